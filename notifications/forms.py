"""The notification preferences form: per kind, e-mail now / in the digest / off, and in-app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS
from .models import EMAIL_CHOICES


class NotificationPreferencesForm(forms.Form):
    def __init__(self, *args, current: dict, **kwargs):
        """`current` maps each kind the user can receive to their (e-mail, in-app) today."""
        super().__init__(*args, **kwargs)
        self.optional_kinds = [KINDS[code] for code in current if not KINDS[code].mandatory]
        for declared in self.optional_kinds:
            email, in_app = current[declared.code]
            self.fields[f"email_{declared.code}"] = forms.ChoiceField(
                label=_("E-mail"), choices=EMAIL_CHOICES, initial=email
            )
            self.fields[f"in_app_{declared.code}"] = forms.BooleanField(
                label=_("Show in my notices"), required=False, initial=in_app
            )

    def rows(self):
        """(kind, e-mail field, in-app field) for the template's table."""
        return [
            (declared, self[f"email_{declared.code}"], self[f"in_app_{declared.code}"])
            for declared in self.optional_kinds
        ]

    def choices(self) -> dict:
        return {
            declared.code: (
                self.cleaned_data[f"email_{declared.code}"],
                self.cleaned_data[f"in_app_{declared.code}"],
            )
            for declared in self.optional_kinds
        }
