"""Discussions in the stewards' back office: to look things up. Posting, editing (with its
revision history) and moderating happen on the community's pages, where the rules are kept;
here threads and posts are read-only.

Private replies (``Post.private_to``) are not here at all, nor their revisions, attachments
or flags: a private reply is its two people's alone, even from site admins (as the
reflection diary, decision 42)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from praxis.discussions.models import (
    Attachment,
    Flag,
    ModerationAction,
    Post,
    PostRevision,
    Thread,
)
from praxis.site.admin.communities import ReadOnlyStewardAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # A post's revisions and attachments: none of a private reply's.
        return super().get_queryset(request).filter(post__private_to=None)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Thread)
class ThreadAdmin(ReadOnlyStewardAdmin):
    list_display = ["title", "topic", "kind", "post_count", "last_post_at", "is_locked",
                    "is_pinned"]
    list_filter = [("community", admin.RelatedOnlyFieldListFilter), "kind", "is_locked"]
    search_fields = ["title"]
    list_select_related = ["topic"]
    date_hierarchy = "created_at"


class RevisionInline(ReadOnlyInline):
    model = PostRevision
    fields = ("created_at", "edited_by", "body")
    readonly_fields = ("created_at", "edited_by", "body")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("original_name", "content_type", "size", "created_at")
    readonly_fields = ("original_name", "content_type", "size", "created_at")


@admin.register(Post)
class PostAdmin(ReadOnlyStewardAdmin):
    community_path = "thread__community"
    list_display = ["__str__", "created_at", "edited_at", "is_hidden"]
    list_filter = [("thread__community", admin.RelatedOnlyFieldListFilter), "is_hidden"]
    search_fields = ["body", "author__display_name", "author__email"]
    list_select_related = ["author", "thread"]
    date_hierarchy = "created_at"
    exclude = ["body_html"]
    raw_id_fields = ["thread", "author", "parent", "hidden_by"]
    inlines = [RevisionInline, AttachmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(private_to=None)


@admin.register(Flag)
class FlagAdmin(ReadOnlyStewardAdmin):
    community_path = "post__thread__community"
    list_display = ["post", "flagged_by", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    list_select_related = ["post__author", "post__thread", "flagged_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(post__private_to=None)


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyStewardAdmin):
    list_display = ["created_at", "actor", "action", "thread", "reason"]
    list_filter = ["action", ("community", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["actor", "thread"]
