"""The form renderer: every field is one block with its label, help and errors tied together."""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"
