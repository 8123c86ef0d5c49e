"""Who may do what through the API: anyone reads (what they may see is decided by the
querysets, see visibility.py); writes need the model permission of the Editors group."""

from rest_framework.permissions import DjangoModelPermissions


class ReadOrEditorPermissions(DjangoModelPermissions):
    """GET, HEAD and OPTIONS for everyone; POST needs `add_<model>`, PUT and PATCH
    `change_<model>`, DELETE `delete_<model>`."""

    authenticated_users_only = False
