"""What the API says of stakeholder groups, regional commissions, languages and verified
organisations, names in the language the request asks for."""

from rest_framework import serializers

from stakeholders.models import Language, Organisation, Region, StakeholderGroup


class StakeholderGroupSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__")

    class Meta:
        model = StakeholderGroup
        fields = ["id", "code", "name", "kind", "gcm_paragraphs"]


class RegionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__")
    countries = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = ["id", "code", "name", "commission", "headquarters", "countries"]

    def get_countries(self, region) -> list[str]:
        """Its member countries (ISO 3166-1 alpha-2)."""
        return sorted(country.code.code for country in region.countries.all())


class LanguageSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__")

    class Meta:
        model = Language
        fields = ["id", "code", "name", "native_name", "direction", "is_un_official"]


class OrganisationSerializer(serializers.ModelSerializer):
    stakeholder_group = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    headquarters_country = serializers.SerializerMethodField()
    countries_of_operation = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "acronym",
            "stakeholder_group",
            "headquarters_country",
            "countries_of_operation",
            "website",
            "description",
            "has_ecosoc_status",
            "accreditation",
        ]

    def get_headquarters_country(self, organisation) -> str | None:
        """ISO 3166-1 alpha-2."""
        country = organisation.headquarters_country
        return country.code.code if country else None

    def get_countries_of_operation(self, organisation) -> list[str]:
        """ISO 3166-1 alpha-2 codes."""
        return sorted(country.code.code for country in organisation.countries_of_operation.all())
