from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from praxis.discussions import attachments
from praxis.discussions.attachments import CheckedFile
from praxis.discussions.models import Post, Thread

BODY_HELP = _("Markdown works: *italic*, **bold**, > quote, - lists, [link](https://…).")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each is checked by its content in ``clean``."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:  # type: ignore[override]
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data])
                   if isinstance(upload, UploadedFile)]
        return attachments.check_files(uploads)


def _attachments_field() -> AttachmentsField:
    limit = attachments.max_bytes() // 1024 // 1024
    return AttachmentsField(
        label=_("Attach files"),
        help_text=_(
            "Up to %(files)s files of %(limit)s MB each: PDF, Word, Excel, PowerPoint, "
            "OpenDocument, or PNG, JPEG, GIF, WebP pictures."
        ) % {"files": attachments.MAX_FILES_PER_POST, "limit": limit},
        widget=MultipleFileInput(attrs={"accept": attachments.ACCEPT}),
    )


class PostForm(forms.Form):
    """A reply: Markdown text and up to five checked files."""

    body = forms.CharField(
        label=_("Your reply"), max_length=Post._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 8}), help_text=BODY_HELP,
        strip=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = _attachments_field()

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Write something before you post."))
        return body.rstrip()


class ThreadForm(PostForm):
    """A new thread in a topic: its kind, title and first post."""

    KINDS = [
        (Thread.Kind.MEMBER, _("A question for the others")),
        (Thread.Kind.SESSION_PLAN, _("A session plan I would like feedback on")),
    ]

    kind = forms.ChoiceField(label=_("What are you starting?"), choices=KINDS,
                             widget=forms.RadioSelect, initial=Thread.Kind.MEMBER)
    title = forms.CharField(label=_("Title"),
                            max_length=Thread._meta.get_field("title").max_length)

    field_order = ["kind", "title", "body", "attachments"]

    def __init__(self, *args: Any, can_announce: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Message")
        if can_announce:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [*self.KINDS, (Thread.Kind.ANNOUNCEMENT, _(
                "An announcement: pinned, and emailed at once to every member who gets email"))]
        self.order_fields(self.field_order)


class PostEditForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=Post._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 12}), help_text=BODY_HELP,
        strip=False,
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("A post cannot be empty."))
        return body.rstrip()
