"""Who may do what through the API: anyone reads (what they may see is decided by the
querysets, see models.VisibleQuerySet); writes need the model permission of the Editors group."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class ReadOrEditorPermissions(DjangoModelPermissions):
    """GET, HEAD and OPTIONS for everyone; POST needs `add_<model>`, PUT and PATCH
    `change_<model>`, DELETE `delete_<model>`."""

    authenticated_users_only = False

    def has_permission(self, request, view):
        # Reading needs no permission: answer without building the view's queryset.
        return request.method in SAFE_METHODS or super().has_permission(request, view)
