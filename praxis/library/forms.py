from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from praxis.library.citations import clean_doi
from praxis.library.models import Resource
from praxis.library.services import tag_names
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


class ResourceForm(forms.Form):
    """A resource with its full citation, licence and tags. Adding asks for a link or a
    file (``adding``); correcting keeps the file and may change a link's address."""

    LINK, FILE = "link", "file"

    kind = forms.ChoiceField(
        label=_("What are you adding?"), widget=forms.RadioSelect, initial=LINK,
        choices=[(LINK, _("A link to read it where it is published")),
                 (FILE, _("A file (PDF, Word .docx or OpenDocument .odt, up to 20 MB)"))],
    )
    url = forms.URLField(label=_("Web address"), required=False, max_length=1000,
                         assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False,
                           widget=SeedArticleForm.base_fields["file"].widget)
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False,
        help_text=_("An uploaded file's name is used if you leave it empty."),
    )
    work_type = forms.ChoiceField(label=_("Type of work"), choices=Resource.WorkType.choices,
                                  initial=Resource.WorkType.ARTICLE)
    authors = forms.CharField(
        label=_("Authors"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, family name first: Farrell, Thomas S. C. An organisation, "
                    "or a name you do not want shortened, on a line without a comma."),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1000, max_value=2100)
    source = forms.CharField(
        label=_("Journal, book or website"), required=False, max_length=300,
        help_text=_("The journal an article is in, the book a chapter is in, or the website."),
    )
    volume = forms.CharField(label=_("Volume"), required=False, max_length=20)
    issue = forms.CharField(label=_("Issue"), required=False, max_length=20)
    pages = forms.CharField(label=_("Pages"), required=False, max_length=30,
                            help_text=_("Like 12-25."))
    publisher = forms.CharField(label=_("Publisher"), required=False, max_length=200)
    doi = forms.CharField(label=_("DOI"), required=False, max_length=200,
                          help_text=_("Like 10.1093/elt/ccn056."))
    licence = forms.ChoiceField(label=_("Licence"), choices=Resource.Licence.choices,
                                initial=Resource.Licence.LINK_ONLY)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=600,
        help_text=_("Separated by commas: reflection, critical friends, CLT."),
    )
    citation = forms.CharField(
        label=_("Citation as written (optional)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if the fields above cannot say it."),
    )

    def __init__(self, *args: Any, adding: bool = True, link: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adding = adding
        if not adding:
            del self.fields["kind"], self.fields["file"]
            if not link:
                del self.fields["url"]

    @classmethod
    def initial_for(cls, resource: Resource) -> dict[str, Any]:
        initial = {name: getattr(resource, name) for name in (
            "url", "title", "work_type", "authors", "year", "source", "volume", "issue",
            "pages", "publisher", "doi", "licence", "citation")}
        initial["tags"] = resource.tag_names
        return initial

    def clean_doi(self) -> str:
        doi = clean_doi(self.cleaned_data.get("doi") or "")
        if doi and not (doi.startswith("10.") and "/" in doi):
            raise forms.ValidationError(_("A DOI starts with 10. and has a slash, like "
                                          "10.1093/elt/ccn056."))
        return doi

    def clean_tags(self) -> list[str]:
        return tag_names(self.cleaned_data.get("tags") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind") if self.adding else None
        if kind == self.LINK or (not self.adding and "url" in self.fields):
            if not cleaned.get("url") and "url" not in self.errors:
                self.add_error("url", _("Enter the web address."))
            if not cleaned.get("title") and "title" not in self.errors:
                self.add_error("title", _("Give the title."))
        elif kind == self.FILE:
            upload = cleaned.get("file")
            if not upload:
                self.add_error("file", _("Choose the file to upload."))
            else:
                try:
                    validate_document(upload)
                except forms.ValidationError as error:
                    self.add_error("file", error)
        elif not self.adding and not cleaned.get("title") and "title" not in self.errors:
            self.add_error("title", _("Give the title."))
        return cleaned

    @property
    def details(self) -> dict[str, Any]:
        """The structured citation, for ``services``."""
        data = self.cleaned_data
        return {name: data.get(name) if name == "year" else (data.get(name) or "")
                for name in ("work_type", "authors", "year", "source", "publisher", "volume",
                             "issue", "pages", "doi", "licence")}
