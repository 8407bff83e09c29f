from django.contrib import admin

from agencies.models import AdminUnit, Agency, Membership, UnitSuccession


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "tier", "era", "province"]
    list_filter = ["era", "tier", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "province", "district"]
    list_select_related = ["province"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["old", "new", "is_partial"]
    list_filter = ["is_partial"]
    search_fields = ["old__name", "new__name", "old__code", "new__code"]
    raw_id_fields = ["old", "new"]
    list_select_related = ["old", "new"]


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "is_active"]
    list_filter = ["kind", "is_active", "unit__era"]
    search_fields = ["code", "name"]
    raw_id_fields = ["unit", "parent"]
    readonly_fields = ["path", "province"]
    inlines = [MembershipInline]
    list_select_related = ["unit"]

    def save_model(self, request, obj, form, change):
        # Paths and the province copy are kept by the services, also from the admin.
        from agencies import services

        fields = {
            f: form.cleaned_data[f] for f in ("code", "name", "kind", "unit", "parent", "is_active")
        }
        if change:
            services.agency_update(agency=obj, **fields)
        else:
            new = services.agency_create(**fields)
            obj.pk, obj.path = new.pk, new.path


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "agency__name", "agency__code"]
    raw_id_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]
