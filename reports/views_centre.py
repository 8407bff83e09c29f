"""The report centre: the reports a user may see, the request form, a job's page with its progress
bar, the status the page polls, the download, and retrying a failed report.

Who sees a job: a job about (or limited to) an agency, whoever's scope holds that agency; a job over
a whole campaign, whoever's scope holds the campaign's organiser (an administrator for a national
campaign). Outside that it is a 404, like a job that does not exist; inside it without the right to
export (a viewer) a 403. A file is only ever sent by `job_download`, after the same check.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.access import Access, Perm, get_access, require
from reports import services
from reports.forms_centre import ReportRequestForm
from reports.models import ReportJob

PAGE_SIZE = 25


def jobs_q(access: Access, perm: Perm) -> Q:
    """Jobs within the user's scope for `perm` (see the module docstring)."""
    if access.is_admin:
        return Q()
    on_agency = Q(agency__isnull=False) & access.agency_q("agency", perm)
    on_campaign = Q(agency__isnull=True) & access.agency_q("campaign__organiser", perm)
    return on_agency | on_campaign


def get_job_for_user(request: HttpRequest, pk: int, perm: Perm = Perm.EXPORT) -> ReportJob:
    """One job inside the user's scope: 404 outside it, 403 when the role cannot export."""
    access = get_access(request)
    job = (
        ReportJob.objects.filter(jobs_q(access, Perm.VIEW), pk=pk)
        .select_related("campaign", "campaign__organiser", "agency", "requested_by")
        .first()
    )
    if job is None:
        raise Http404
    if not ReportJob.objects.filter(jobs_q(access, perm), pk=pk).exists():
        raise PermissionDenied
    return job


def _status_payload(job: ReportJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "rows": job.rows,
        "size": job.size,
        "error": job.error,
        "finished": job.is_finished,
        "download_url": reverse("report_centre:download", args=[job.pk])
        if job.is_downloadable
        else "",
    }


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    access = get_access(request)
    jobs = (
        ReportJob.objects.filter(jobs_q(access, Perm.EXPORT))
        .select_related("campaign", "agency", "requested_by")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/centre/list.html",
        {"page": page, "can_request": access.has(Perm.EXPORT)},
    )


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    access = require(request, Perm.EXPORT)
    if request.method == "POST":
        form = ReportRequestForm(request.POST, access=access)
        if form.is_valid():
            data = form.cleaned_data
            job = services.report_request(
                campaign=data["campaign"],
                exporter=data["exporter"],
                fmt=data["fmt"],
                agency=data["agency"],
                user=request.user,
            )
            if job.status == ReportJob.Status.DONE:
                messages.info(
                    request, _("Báo cáo này đã được lập trên cùng dữ liệu: tải về bản đã có.")
                )
            return redirect("report_centre:job", pk=job.pk)
    else:
        form = ReportRequestForm(initial=request.GET.dict(), access=access)
    return render(request, "reports/centre/request.html", {"form": form})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request, pk)
    return render(
        request,
        "reports/centre/job.html",
        {
            "job": job,
            "report_name": job.report_name,
            "status_url": reverse("report_centre:status", args=[job.pk]),
        },
    )


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_job_for_user(request, pk)
    response = JsonResponse(_status_payload(job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_job_for_user(request, pk)
    if not job.is_downloadable or not job.file.storage.exists(job.file.name):
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request, pk)
    if job.status == ReportJob.Status.FAILED:
        services.report_retry(job=job)
        messages.success(request, _("Đã yêu cầu tạo lại báo cáo."))
    return redirect("report_centre:job", pk=job.pk)
