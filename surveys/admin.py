from django.contrib import admin

from surveys.models import (
    Aspect,
    Campaign,
    CampaignAgency,
    CampaignTransition,
    Element,
    Invitation,
    Item,
    Kiosk,
    Questionnaire,
    Response,
    ResponseStatusChange,
    ResponseText,
)


class AspectInline(admin.TabularInline):
    model = Aspect
    extra = 0


class ElementInline(admin.TabularInline):
    model = Element
    extra = 0
    fields = ["order", "code", "name", "kind", "aspect", "is_core"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "family", "version", "status", "is_national", "owner"]
    list_filter = ["status", "is_national", "family"]
    search_fields = ["title", "family"]
    raw_id_fields = ["owner", "based_on", "published_by"]
    inlines = [AspectInline, ElementInline]


@admin.register(Aspect)
class AspectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "questionnaire", "order"]
    list_filter = ["questionnaire"]


@admin.register(Element)
class ElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "questionnaire", "aspect", "order"]
    list_filter = ["questionnaire", "kind"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "text",
        "scale",
        "role",
        "element",
        "questionnaire",
        "position",
        "is_core",
    ]
    list_filter = ["questionnaire", "scale", "role", "is_core"]
    search_fields = ["code", "text"]
    list_select_related = ["element", "questionnaire"]


class CampaignAgencyInline(admin.TabularInline):
    model = CampaignAgency
    raw_id_fields = ["agency"]
    extra = 0


class CampaignTransitionInline(admin.TabularInline):
    model = CampaignTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "note"]
    can_delete = False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "year", "organiser", "status", "opens_on", "closes_on"]
    list_filter = ["status", "year", "era"]
    search_fields = ["code", "name"]
    raw_id_fields = ["organiser", "questionnaire"]
    inlines = [CampaignAgencyInline, CampaignTransitionInline]


@admin.register(CampaignAgency)
class CampaignAgencyAdmin(admin.ModelAdmin):
    list_display = ["campaign", "agency", "target"]
    raw_id_fields = ["campaign", "agency"]


@admin.register(CampaignTransition)
class CampaignTransitionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ["key", "agency", "counter", "campaign", "is_active"]
    raw_id_fields = ["agency", "campaign"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["respondent_code", "campaign", "agency", "created_at"]
    raw_id_fields = ["agency", "campaign"]
    search_fields = ["respondent_code"]


class ResponseTextInline(admin.TabularInline):
    model = ResponseText
    extra = 0
    raw_id_fields = ["item"]


class ResponseStatusChangeInline(admin.TabularInline):
    model = ResponseStatusChange
    extra = 0
    raw_id_fields = ["by"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "campaign", "agency", "channel", "status", "submitted_at"]
    list_filter = ["status", "channel", "campaign"]
    raw_id_fields = [
        "campaign",
        "questionnaire",
        "agency",
        "unit",
        "province",
        "district",
        "commune",
        "kiosk",
        "entered_by",
        "invitation",
    ]
    inlines = [ResponseTextInline, ResponseStatusChangeInline]
    list_select_related = ["campaign", "agency"]


@admin.register(ResponseText)
class ResponseTextAdmin(admin.ModelAdmin):
    list_display = ["response", "item", "text"]
    raw_id_fields = ["response", "item"]


@admin.register(ResponseStatusChange)
class ResponseStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["response", "from_status", "to_status", "by", "at", "reason"]
    raw_id_fields = ["response", "by"]
