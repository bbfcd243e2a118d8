"""Demo calls for inputs: the six thematic sessions of 2017 (closed) and open calls for the
five regional reviews and the next IMRF. Loading them twice adds nothing."""

from datetime import date, timedelta

from django.utils import timezone

from consultations.models import (
    Call,
    GuidingPrinciple,
    GuidingQuestion,
    Input,
    Objective,
    ThematicConsultation,
)
from consultations.permissions import organisations_user_may_speak_for
from consultations.services import input_create_draft, input_save, input_submit
from stakeholders.models import Language, Region, User

from .models import Report, Review

THEMATIC_SESSIONS = [
    # (number, theme, city, start, end, objectives)
    (
        1,
        "Human rights of all migrants, social inclusion, cohesion and all forms of "
        "discrimination, including racism, xenophobia and intolerance",
        "Geneva",
        date(2017, 5, 8),
        date(2017, 5, 9),
        [15, 16, 17],
    ),
    (
        2,
        "Addressing drivers of migration, including adverse effects of climate change, natural "
        "disasters and human-made crises, through protection and assistance, sustainable "
        "development, poverty eradication, conflict prevention and resolution",
        "New York",
        date(2017, 5, 22),
        date(2017, 5, 23),
        [2, 7],
    ),
    (
        3,
        "International cooperation and governance of migration in all its dimensions, including "
        "at borders, on transit, entry, return, readmission, integration and reintegration",
        "Geneva",
        date(2017, 6, 19),
        date(2017, 6, 20),
        [4, 8, 11, 13, 21, 23],
    ),
    (
        4,
        "Contributions of migrants and diasporas to all dimensions of sustainable development, "
        "including remittances and portability of earned benefits",
        "New York",
        date(2017, 7, 24),
        date(2017, 7, 25),
        [19, 20, 22],
    ),
    (
        5,
        "Smuggling of migrants, trafficking in persons and contemporary forms of slavery, "
        "including appropriate identification, protection and assistance to migrants and "
        "trafficking victims",
        "Vienna",
        date(2017, 9, 4),
        date(2017, 9, 5),
        [9, 10],
    ),
    (
        6,
        "Irregular migration and regular pathways, including decent work, labour mobility, "
        "recognition of skills and qualifications and other relevant measures",
        "Geneva",
        date(2017, 10, 12),
        date(2017, 10, 13),
        [5, 6, 18],
    ),
]

THEMATIC_QUESTIONS = [
    ("What are the main challenges in this area, and who is most affected?", True, 3000),
    ("Which commitments and actions should the Global Compact include?", True, 3000),
    ("Which good practices and partnerships should others learn from?", False, 2000),
]

REVIEW_QUESTIONS = [
    (
        "What progress has been made in implementing the Global Compact in your country or "
        "region since the last review, and how have you contributed to it?",
        True,
        3000,
    ),
    (
        "Which challenges and gaps remain, and for whom (for example women, children, or "
        "migrants in an irregular situation)?",
        True,
        3000,
    ),
    ("What would GCM progress look like in a national or regional context?", False, 2000),
    ("What benchmarks should be used to measure GCM implementation?", False, 2000),
    ("What do you recommend for the next period of implementation?", True, 2000),
]

# Titles for the two reviews whose demo journeys happen in Spanish and in Arabic.
TITLE_TRANSLATIONS = {
    "ECLAC": {
        "es": "Examen regional del Pacto Mundial para la Migración en América Latina y el Caribe",
        "fr": (
            "Examen régional du Pacte mondial sur les migrations en Amérique latine et aux Caraïbes"
        ),
    },
    "ESCWA": {
        "ar": "الاستعراض الإقليمي للاتفاق العالمي من أجل الهجرة في المنطقة العربية",
        "fr": "Examen régional du Pacte mondial sur les migrations dans la région arabe",
    },
}


def _questions(call: Call, questions) -> None:
    if call.questions.exists():
        return
    GuidingQuestion.objects.bulk_create(
        GuidingQuestion(call=call, position=position, text=text, required=required, max_chars=limit)
        for position, (text, required, limit) in enumerate(questions, start=1)
    )


def demo_calls_load() -> int:
    """Create the demo calls; returns how many calls exist afterwards."""
    languages = list(Language.objects.filter(is_un_official=True))
    english_french_spanish = [lang for lang in languages if lang.code in {"en", "fr", "es"}]
    for number, theme, city, start, end, objectives in THEMATIC_SESSIONS:
        code = f"TS{number}"
        call, created = Call.objects.get_or_create(
            code=code,
            kind=Call.Kind.THEMATIC,
            defaults={
                "title": f"Informal thematic session {number}: {theme.split(',')[0]}",
                "summary": (
                    f"Inputs to the informal thematic session {number} on “{theme}”, held in "
                    f"{city} during the preparation of the Global Compact in 2017."
                ),
                "opens_at": timezone.make_aware(
                    timezone.datetime.combine(
                        start - timedelta(days=45), timezone.datetime.min.time()
                    )
                ),
                "closes_at": timezone.make_aware(
                    timezone.datetime.combine(
                        start - timedelta(days=5), timezone.datetime.min.time()
                    )
                ),
                "pre_moderation": True,
            },
        )
        if created:
            call.accepted_languages.set(english_french_spanish)
            call.objectives.set(Objective.objects.filter(number__in=objectives))
            ThematicConsultation.objects.create(
                call=call,
                theme=theme,
                session_number=number,
                city=city,
                starts_on=start,
                ends_on=end,
            )
        _questions(call, THEMATIC_QUESTIONS)

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for region in Region.objects.all():
        call, created = Call.objects.get_or_create(
            code=region.code,
            kind=Call.Kind.REGIONAL_REVIEW,
            defaults={
                "title": f"Regional review of the Global Compact for Migration: {region.name}",
                "summary": (
                    f"The {region.commission} prepares the third regional review of the Global "
                    "Compact for Safe, Orderly and Regular Migration. Migrants, diaspora "
                    "organisations, civil society, local authorities, trade unions, the private "
                    "sector, academia and governments are invited to share progress, gaps, "
                    "promising practices and recommendations."
                ),
                "opens_at": now - timedelta(days=10),
                "closes_at": now + timedelta(days=60),
                "region": region,
                "pre_moderation": True,
                **{
                    f"title_{lang}": title
                    for lang, title in TITLE_TRANSLATIONS.get(region.code, {}).items()
                },
            },
        )
        if created:
            call.accepted_languages.set(languages)
            Review.objects.create(
                call=call,
                kind=Review.Kind.REGIONAL,
                year=now.year + 2,
                round=3,
                venue=region.headquarters,
            )
        _questions(call, REVIEW_QUESTIONS)

    call, created = Call.objects.get_or_create(
        code="IMRF",
        kind=Call.Kind.IMRF,
        defaults={
            "title": "International Migration Review Forum 2030: call for stakeholder inputs",
            "summary": (
                "The third International Migration Review Forum reviews the implementation of "
                "the Global Compact at the global level. Stakeholders are invited to contribute "
                "their assessment, evidence and recommendations to the Forum's roundtables."
            ),
            "opens_at": now - timedelta(days=3),
            "closes_at": now + timedelta(days=120),
            "pre_moderation": True,
        },
    )
    if created:
        call.accepted_languages.set(languages)
        Review.objects.create(
            call=call,
            kind=Review.Kind.IMRF,
            year=2030,
            round=3,
            venue="United Nations Headquarters, New York",
        )
    _questions(call, REVIEW_QUESTIONS)
    return Call.objects.count()


# (author, call code, language, on behalf of the author's organisation, objectives, answers)
DEMO_INPUTS = [
    (
        "stakeholder@gcm-portal.example",
        "ECE",
        "fr",
        True,
        [5, 6, 19],
        [
            "Les associations de la diaspora sénégalaise en France, en Italie et en Espagne ont "
            "obtenu des guichets uniques pour les transferts de compétences, mais les visas "
            "de travail restent longs à obtenir.",
            "Les femmes migrantes employées à domicile n'ont presque jamais de contrat écrit ni "
            "accès à la protection sociale.",
            "",
            "",
            "Reconnaître les qualifications acquises au Sénégal et ouvrir des voies régulières "
            "de migration de travail circulaire.",
        ],
    ),
    (
        "ngo.nairobi@gcm-portal.example",
        "ECE",
        "en",
        True,
        [6, 7, 22],
        [
            "Kenyan domestic workers recruited for European employers now see fees banned in "
            "law in three countries; our network trained 1,200 workers on their rights.",
            "Recruitment agencies still charge fees through sub-agents, and workers who leave "
            "an abusive employer lose their residence permit.",
            "Portable social security between Kenya and European countries of destination.",
            "The number of workers who paid no recruitment fee, by corridor.",
            "Enforce the ban on recruitment fees along the whole chain of agents.",
        ],
    ),
    (
        "union.mexico@gcm-portal.example",
        "ECE",
        "es",
        False,
        [6, 16],
        [
            "Los sindicatos de trabajadores agrícolas temporales en España firmaron convenios "
            "que incluyen a los trabajadores migrantes de México y Centroamérica.",
            "Las trabajadoras temporeras siguen sin acceso a vivienda digna ni a servicios de "
            "salud durante la temporada.",
            "",
            "",
            "Garantizar la libertad sindical de todos los trabajadores migrantes, sin importar "
            "su situación migratoria.",
        ],
    ),
    (
        "rabat.city@gcm-portal.example",
        "ESCWA",
        "ar",
        False,
        [15, 16],
        [
            "افتتحت مدينة الرباط مكتباً محلياً لاستقبال المهاجرين وتوجيههم إلى الخدمات الصحية "
            "والتعليمية.",
            "ما زال الأطفال المهاجرون غير المصحوبين يواجهون صعوبات في التسجيل المدرسي.",
            "",
            "",
            "إشراك السلطات المحلية في متابعة الاتفاق العالمي وتمويل خدماتها للمهاجرين.",
        ],
    ),
]


def demo_inputs_load() -> int:
    """Submit a few inputs of the demo stakeholders, through the same services as the pages,
    so that a moderator has a queue to work; returns how many inputs wait for a decision."""
    for email, code, language_code, for_organisation, objectives, texts in DEMO_INPUTS:
        author = User.objects.get(email=email)
        call = Call.objects.get(code=code, kind=Call.Kind.REGIONAL_REVIEW)
        if Input.objects.filter(call=call, author=author).exists() or not call.is_open:
            continue
        organisation = (
            organisations_user_may_speak_for(author).first() if for_organisation else None
        )
        draft = input_create_draft(call=call, author=author)
        input_save(
            input=draft,
            by=author,
            answers=dict(zip(call.questions.values_list("pk", flat=True), texts, strict=False)),
            language=Language.objects.get(code=language_code),
            objectives=Objective.objects.filter(number__in=objectives),
            principles=GuidingPrinciple.objects.filter(number__in=[1, 6]),
            on_behalf=Input.OnBehalf.ORGANISATION if organisation else Input.OnBehalf.SELF,
            organisation=organisation,
        )
        input_submit(input=draft, by=author)
    return Input.objects.filter(state=Input.State.SUBMITTED).count()


def demo_report_load() -> None:
    """The report staff compile for the ECE regional review (compiled in the admin, not here)."""
    review = Review.objects.get(call__code="ECE", call__kind=Call.Kind.REGIONAL_REVIEW)
    Report.objects.get_or_create(
        review=review,
        defaults={
            "title_en": "Stakeholder inputs to the ECE regional review",
            "title_fr": "Contributions des parties prenantes à l'examen régional CEE",
            "title_es": "Aportaciones de las partes interesadas al examen regional de la CEPE",
            "title_ar": "مساهمات أصحاب المصلحة في الاستعراض الإقليمي للجنة الاقتصادية لأوروبا",
            "introduction_en": (
                "This report compiles the written inputs that stakeholders submitted to the "
                "regional review of the Global Compact in the ECE region, as approved by the "
                "moderators. Each input is quoted under the objectives it addresses, with the "
                "attribution its author consented to.\n\n"
                "The figures count every approved input, including those not for publication."
            ),
            "introduction_fr": (
                "Ce rapport rassemble les contributions écrites que les parties prenantes ont "
                "soumises à l'examen régional du Pacte mondial dans la région de la CEE, telles "
                "qu'approuvées par les modérateurs. Chaque contribution est citée sous les "
                "objectifs qu'elle traite, avec l'attribution que son auteur a acceptée.\n\n"
                "Les chiffres comptent toutes les contributions approuvées, y compris celles qui "
                "ne sont pas destinées à la publication."
            ),
        },
    )
