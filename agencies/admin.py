from django.contrib import admin

from agencies.models import Agency, AgencySuccession, Locality, Person


class SuccessionInline(admin.TabularInline):
    model = AgencySuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "active_to"]
    list_filter = ["level"]
    search_fields = ["name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "level", "locality", "active_from", "active_to"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "short_name", "code", "search_text"]
    autocomplete_fields = ["parent"]
    list_select_related = ["locality"]
    inlines = [SuccessionInline, PersonInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        from agencies.services import refresh_current_carriers

        refresh_current_carriers()


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "agency", "active_from", "active_to"]
    search_fields = ["full_name", "search_text"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]
