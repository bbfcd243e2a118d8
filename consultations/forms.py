"""The input form: one field per guiding question, then tags, language, speaker and consent."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import TranslatedChoiceField, TranslatedMultipleChoiceField

from .models import GuidingPrinciple, Input, InputTransition, Objective
from .permissions import (
    moderators,
    organisations_user_may_speak_for,
    states_user_may_speak_for,
)


class InputForm(forms.Form):
    """Everything is optional here: a draft may be saved half-written. What submission
    requires is checked by services.input_problems and shown next to each field."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    language = TranslatedChoiceField(
        label=_("Language of your input"), queryset=None, required=False
    )
    objectives = TranslatedMultipleChoiceField(
        label=_("Objectives your input addresses"),
        queryset=Objective.objects.with_cluster(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    principles = TranslatedMultipleChoiceField(
        label=_("Guiding principles your input relates to"),
        queryset=GuidingPrinciple.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    on_behalf = forms.ChoiceField(label=_("You submit on behalf of"), widget=forms.RadioSelect)
    organisation = TranslatedChoiceField(label=_("Organisation"), queryset=None, required=False)
    state_country = TranslatedChoiceField(label=_("Member State"), queryset=None, required=False)
    consent = forms.ChoiceField(
        label=_("Publication"),
        choices=Input.Consent.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Every input is read by the moderators and counted in the review's statistics; "
            "you choose whether and how it is published."
        ),
    )

    def __init__(self, *args, input: Input, user, options: list[str], **kwargs):
        answers = {a.question_id: a.text for a in input.answers.all()}
        initial = {
            "version": input.version,
            "language": input.language,
            "objectives": list(input.objectives.all()),
            "principles": list(input.principles.all()),
            "on_behalf": input.on_behalf,
            "organisation": input.organisation,
            "state_country": input.state_country,
            "consent": input.consent,
        }
        self.questions = list(input.call.questions.all())
        for question in self.questions:
            initial[f"answer_{question.pk}"] = answers.get(question.pk, "")
        super().__init__(*args, initial=initial, **kwargs)
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text,
                help_text=question.help_text,
                required=False,
                widget=forms.Textarea(
                    attrs={"rows": 8, "data-max-chars": question.max_chars, "dir": "auto"}
                ),
            )
            self.fields[f"answer_{question.pk}"].question = question
        self.fields["language"].queryset = input.call.accepted_languages.all()
        labels = dict(Input.OnBehalf.choices)
        self.fields["on_behalf"].choices = [(option, labels[option]) for option in options]
        self.fields["organisation"].queryset = organisations_user_may_speak_for(user)
        self.fields["state_country"].queryset = states_user_may_speak_for(user)
        if Input.OnBehalf.ORGANISATION not in options:
            del self.fields["organisation"]
        if Input.OnBehalf.STATE not in options:
            del self.fields["state_country"]

    def answer_fields(self):
        return [self[f"answer_{question.pk}"] for question in self.questions]

    def objectives_by_cluster(self):
        """The objective checkboxes grouped under the four IMRF roundtable clusters."""
        objectives = {str(o.pk): o for o in self.fields["objectives"].queryset}
        groups: dict = {}
        for checkbox in self["objectives"]:
            objective = objectives[str(checkbox.data["value"])]
            groups.setdefault(objective.cluster, []).append(checkbox)
        return sorted(groups.items(), key=lambda item: item[0].number if item[0] else 0)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "answers": {q.pk: data.get(f"answer_{q.pk}", "") for q in self.questions},
            "version": data.get("version"),
            "language": data.get("language"),
            "objectives": data.get("objectives"),
            "principles": data.get("principles"),
            "on_behalf": data.get("on_behalf"),
            "organisation": data.get("organisation"),
            "state_country": data.get("state_country"),
            "consent": data.get("consent"),
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attach a file"),
        help_text=_("PDF, Word (DOCX), OpenDocument (ODT) or plain text; up to 5 files of 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.odt,.txt,application/pdf,text/plain"}
        ),
    )


# --- Moderation (admin) ------------------------------------------------------------------------


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", "---------")]
        + [
            choice
            for choice in InputTransition.Reason.choices
            if choice[0] != InputTransition.Reason.DUPLICATE
        ],
        error_messages={"required": _("Choose the reason for rejecting from the list.")},
    )
    reason = forms.CharField(
        label=_("Explanation for the author (required for “other reason”)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class RequestChangesForm(forms.Form):
    message = forms.CharField(
        label=_("What the author should change"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Tell the author what to change.")},
    )


class DuplicateForm(forms.Form):
    original_reference = forms.CharField(
        label=_("Reference of the input it repeats"),
        max_length=40,
        help_text=_("For example GCM-2026-ECE-000123."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
        error_messages={"required": _("Give the reference of the input it repeats.")},
    )
    reason = forms.CharField(
        label=_("Explanation for the author (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for unpublishing, sent to the author"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Give the reason for unpublishing this input.")},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note (moderators only)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": _("Write the note first.")},
    )


class RetagForm(forms.Form):
    objectives = TranslatedMultipleChoiceField(
        label=_("Objectives"),
        queryset=Objective.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("An input addresses at least one objective.")},
    )
    principles = TranslatedMultipleChoiceField(
        label=_("Guiding principles"),
        queryset=GuidingPrinciple.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AssignForm(forms.Form):
    moderator = forms.ModelChoiceField(
        label=_("Moderator"),
        queryset=None,
        required=False,
        empty_label=_("nobody (unassign)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moderator"].queryset = moderators()
