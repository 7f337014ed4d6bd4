from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from praxis.library.validators import validate_document


class SeedArticleForm(forms.Form):
    """The article a topic starts from: a link with its citation, or an uploaded document."""

    NONE, LINK, FILE, KEEP = "none", "link", "file", "keep"

    source = forms.ChoiceField(
        label=_("Source"), widget=forms.RadioSelect, initial=NONE,
        choices=[(NONE, _("None yet")), (LINK, _("A link")),
                 (FILE, _("Upload a file (PDF, Word .docx or OpenDocument .odt, up to 20 MB)"))],
    )
    title = forms.CharField(
        label=_("Article title"), required=False, max_length=300,
        help_text=_("For a new link or file; an uploaded file's name is used if you leave "
                    "it empty."),
    )
    citation = forms.CharField(
        label=_("Citation"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Authors, year, title, source: as you would cite it."),
    )
    url = forms.URLField(label=_("Web address of the article"), required=False,
                         max_length=1000, assume_scheme="https")
    file = forms.FileField(
        label=_("File"), required=False,
        widget=forms.ClearableFileInput(attrs={
            "accept": ".pdf,.docx,.odt,application/pdf,"
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                      "application/vnd.oasis.opendocument.text",
        }),
    )

    def __init__(self, *args: Any, current: str = "", **kwargs: Any) -> None:
        """``current``: the title of the topic's present article, offered as "keep it"."""
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        if current:
            field.choices = [  # type: ignore[attr-defined]
                (self.KEEP, _("Keep the current article: %(title)s") % {"title": current}),
                *field.choices,  # type: ignore[attr-defined]
            ]
            field.initial = self.KEEP
            self.initial.setdefault("source", self.KEEP)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        source = cleaned.get("source")
        if source == self.LINK:
            if not cleaned.get("url"):
                self.add_error("url", _("Enter the web address of the article."))
            if not cleaned.get("title"):
                self.add_error("title", _("Give the article's title."))
        elif source == self.FILE:
            upload = cleaned.get("file")
            if not upload:
                self.add_error("file", _("Choose the file to upload."))
            else:
                try:
                    validate_document(upload)
                except forms.ValidationError as error:
                    self.add_error("file", error)
        return cleaned
