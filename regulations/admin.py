from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from regulations.models import Article, Field, Original, Regulation, RegulationParty, RegulationRelation


@admin.register(Field)
class FieldAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]


class PartyInline(admin.TabularInline):
    model = RegulationParty
    extra = 0
    autocomplete_fields = ["agency"]


class ArticleInline(admin.TabularInline):
    model = Article
    extra = 0


class RelationInline(admin.TabularInline):
    model = RegulationRelation
    fk_name = "source"
    extra = 0
    raw_id_fields = ["target"]


@admin.register(Regulation)
class RegulationAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "type", "host_agency", "signed_on", "next_review_due"]
    list_filter = ["type", "fields"]
    search_fields = ["number", "title", "search_text"]
    raw_id_fields = ["host_agency"]
    inlines = [PartyInline, ArticleInline, RelationInline]
    readonly_fields = [
        "amendment_of",
        "amended_on",
        "superseded_on",
        "repealed_on",
        "last_review_on",
        "next_review_due",
    ]


@admin.register(RegulationRelation)
class RegulationRelationAdmin(SimpleHistoryAdmin):
    list_display = ["source", "kind", "target", "effective_on"]
    raw_id_fields = ["source", "target"]


@admin.register(Original)
class OriginalAdmin(SimpleHistoryAdmin):
    list_display = ["original_name", "regulation", "kind", "size", "uploaded_at"]
    raw_id_fields = ["regulation"]
    readonly_fields = ["sha256", "size", "content_type"]
