"""The personal-data registry: each app declares what it holds about a person and provides its
export and its erasure; the account's export and erasure call every registered provider.

An app registers its provider (its `personal_data.py`) in its AppConfig.ready(). A system
check (gcmportal.E001) fails when a model that refers to an account is declared by no provider,
so a new model with personal data cannot be forgotten.
"""

import io
import json
import logging
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.db import models
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "gcm-portal-personal-data/1"
EXPORT_JSON_NAME = "my-data.json"
ERASED = "—"  # what a redacted text reads as


@dataclass(frozen=True)
class Person:
    """The person whose data is exported or erased: the account and every e-mail address it
    uses or has used on the portal (the outbox and invitations know a person by address)."""

    user: models.Model
    emails: tuple[str, ...]
    names: tuple[str, ...] = ()  # the names others read (texts written before `mentions`)


@dataclass(frozen=True)
class Section:
    """One kind of personal data: a section of the export and a row of the privacy page."""

    key: str
    title: str
    kept: str  # what is kept
    purpose: str  # why
    retention: "str | Callable[[], str]"  # for how long; a callable reads it from the settings
    model: str  # "app_label.ModelName": the rows the records come from
    fields: tuple[str, ...]  # the keys of each record; labels from the model's fields
    labels: dict[str, str] = field(default_factory=dict)  # labels of keys that are not fields

    def retention_text(self) -> str:
        """For how long, in the active language."""
        return self.retention() if callable(self.retention) else str(self.retention)

    def field_labels(self) -> dict[str, str]:
        """Each record key with its label in the active language (the export's schema)."""
        model = apps.get_model(self.model)
        labels = {}
        for key in self.fields:
            if key in self.labels:
                labels[key] = str(self.labels[key])
            else:
                labels[key] = str(capfirst(model._meta.get_field(key).verbose_name))
        return labels


@dataclass(frozen=True)
class ExportFile:
    """A stored file of the person's, copied into the export under `path`."""

    path: str
    file: models.fields.files.FieldFile


class PersonalDataProvider(ABC):
    """What an app implements for its own models (and only those)."""

    app_label: str = ""
    sections: tuple[Section, ...] = ()
    # Models of the app that refer to an account but hold nothing personal, with the reason.
    not_personal: dict[str, str] = {}

    @abstractmethod
    def rows(self, person: Person, section: Section) -> models.QuerySet:
        """The rows of the section's model that are about the person."""

    def computed(self, person: Person, section: Section, row) -> dict:
        """A record's keys that are not fields of its model (computed), by key."""
        return {}

    def records(self, person: Person, section: Section) -> Iterator[dict]:
        """The section's records about the person, read in chunks."""
        for row in self.rows(person, section).order_by("pk").iterator(chunk_size=500):
            computed = self.computed(person, section, row)
            yield model_record(row, section.fields, id=row.pk, **computed)

    def files(self, person: Person) -> Iterable[ExportFile]:
        """The person's own stored files (their attachments), for the export."""
        return ()

    @abstractmethod
    def erase(self, person: Person) -> None:
        """Erase the person's data held by this app, in one transaction. Idempotent: safe to run
        again after a crash, and again after it completed."""

    def declared_models(self) -> set[str]:
        return {section.model for section in self.sections} | set(self.not_personal)


_providers: dict[str, PersonalDataProvider] = {}


def register(provider: PersonalDataProvider) -> PersonalDataProvider:
    """Add an app's provider (from its AppConfig.ready()); registering again replaces it."""
    _providers[provider.app_label] = provider
    return provider


def providers() -> list[PersonalDataProvider]:
    """Every registered provider, in the order the apps are installed."""
    return list(_providers.values())


def provider(app_label: str) -> PersonalDataProvider:
    return _providers[app_label]


def sections() -> list[tuple[PersonalDataProvider, Section]]:
    return [(p, section) for p in providers() for section in p.sections]


# --- Values as the export writes them -----------------------------------------------------------


def exported_value(obj: models.Model, name: str):
    """A model field's value as the export writes it: choices by their label in the reader's
    language, related rows by their name, dates in ISO 8601."""
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        return [str(related) for related in getattr(obj, name).all()]
    value = getattr(obj, name)
    if model_field.choices and value not in (None, ""):
        return str(getattr(obj, f"get_{name}_display")())
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def model_record(obj: models.Model, fields: Iterable[str], **extra) -> dict:
    """A record of the listed model fields of `obj`, then `extra` (computed keys)."""
    record = {name: exported_value(obj, name) for name in fields if name not in extra}
    record.update(extra)
    return record


# --- Entries of the administration's log about the person's rows --------------------------------


def admin_log_entries(rows: dict) -> models.QuerySet:
    """The admin log's entries about some rows ({model: primary keys}), whose object_repr
    names them."""
    about = models.Q(pk__in=[])
    for model, object_ids in rows.items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        about |= models.Q(content_type=content_type, object_id__in=[str(pk) for pk in object_ids])
    return LogEntry.objects.filter(about)


def admin_log_fields(entry: LogEntry) -> dict:
    """What an export record of an admin log entry says (its fields are not the model's)."""
    return {
        "at": entry.action_time.isoformat(),
        "object": entry.object_repr,
        "action": str(entry.get_action_flag_display() or ""),
        "change": entry.get_change_message(),
    }


def admin_log_forget(entries: models.QuerySet) -> int:
    """Keep the staff's log of what was done, without the erased person's name in it."""
    return entries.exclude(object_repr=ERASED).update(object_repr=ERASED)


# --- The export: a ZIP streamed as it is written ------------------------------------------------


class _Pipe(io.RawIOBase):
    """A write-only, unseekable file whose bytes are taken out as they arrive (so zipfile
    writes data descriptors and nothing is held but the current chunk)."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _json_chunks(person: Person, language: str) -> Iterator[str]:
    yield "{\n"
    head = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "language": language,
        "about": gettext(
            "Everything the GCM Stakeholder Portal holds about you. Each section says what is "
            "kept, why and for how long; “fields” names what each record holds. Your "
            "attachments are in the folder “attachments” of this file."
        ),
    }
    for key, value in head.items():
        yield f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n"
    yield '  "sections": ['
    for number, (owner, section) in enumerate(sections()):
        description = {
            "key": section.key,
            "title": str(section.title),
            "kept": str(section.kept),
            "purpose": str(section.purpose),
            "retention": section.retention_text(),
            "source": section.model,
            "fields": section.field_labels(),
        }
        opening = json.dumps(description, ensure_ascii=False, indent=4)[:-2]
        yield ("," if number else "") + "\n    " + opening.replace("\n", "\n    ")
        yield ',\n      "records": ['
        for index, record in enumerate(owner.records(person, section)):
            text = json.dumps(record, ensure_ascii=False, default=str)
            yield ("," if index else "") + "\n        " + text
        yield "\n      ]\n    }"
    yield "\n  ]\n}\n"


def export_zip(person: Person, *, language: str) -> Iterator[bytes]:
    """The person's data as a ZIP, produced chunk by chunk (memory stays flat): my-data.json,
    then the person's own files."""
    pipe = _Pipe()
    with translation.override(language):
        with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with archive.open(EXPORT_JSON_NAME, "w", force_zip64=True) as entry:
                for text in _json_chunks(person, language):
                    entry.write(text.encode())
                    if data := pipe.take():
                        yield data
            for owner in providers():
                for stored in owner.files(person):
                    try:
                        source = stored.file.open("rb")
                    except OSError as error:  # a file lost from the storage
                        logger.error("Export of %s: %s missing (%s)", person.user.pk, stored, error)
                        continue
                    with source, archive.open(stored.path, "w", force_zip64=True) as entry:
                        while chunk := source.read(256 * 1024):
                            entry.write(chunk)
                            if data := pipe.take():
                                yield data
        yield pipe.take()


# --- Erasure -----------------------------------------------------------------------------------


def erase(person: Person, *, last: str) -> None:
    """Run every provider's erasure, the account app's (`last`) after all the others, which
    may still need to know the person by their account and addresses."""
    for owner in providers():
        if owner.app_label != last:
            owner.erase(person)
    provider(last).erase(person)


# --- The privacy page ---------------------------------------------------------------------------


def days(setting: str) -> Callable[[], str]:
    """A retention read from a setting in days, said in the reader's language."""

    def said() -> str:
        count = getattr(settings, setting)
        return translation.ngettext(
            "%(count)d day, then deleted automatically",
            "%(count)d days, then deleted automatically",
            count,
        ) % {"count": count}

    return said


UNTIL_ERASED = gettext_lazy("Until you delete your account")


# --- The check that no model with personal data is forgotten --------------------------------


def _refers_to_account(model) -> bool:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return any(
        f.is_relation and not f.auto_created and f.related_model is user_model
        for f in model._meta.get_fields()
    )


def _is_history(model) -> bool:
    """A django-simple-history table: erased along with the model it records."""
    return hasattr(model, "instance_type")


@checks.register()
def check_every_account_model_is_declared(app_configs=None, **kwargs):
    """gcmportal.E001: every model that refers to an account is declared by a provider."""
    declared = set()
    for owner in providers():
        declared |= owner.declared_models()
    errors = []
    for model in apps.get_models():
        label = model._meta.label
        if _is_history(model) or not _refers_to_account(model) or label in declared:
            continue
        errors.append(
            checks.Error(
                f"{label} refers to an account but no personal-data provider declares it.",
                hint=(
                    "Add it to a Section of its app's personal_data.py (export and erasure), "
                    "or to the provider's not_personal with the reason."
                ),
                obj=model,
                id="gcmportal.E001",
            )
        )
    return errors
