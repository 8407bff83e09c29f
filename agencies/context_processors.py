from agencies.access import Perm, get_access


def access(request):
    """What the navigation may show: each role sees only what it may do."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    acc = get_access(request)
    return {
        "nav": {
            "agencies": acc.has(Perm.VIEW),
            "manage_agencies": acc.has(Perm.MANAGE_AGENCIES),
            "manage_campaigns": acc.has(Perm.MANAGE_CAMPAIGNS),
            "exports": acc.has(Perm.EXPORT),
            "admin": acc.is_admin and request.user.is_staff,
        }
    }
