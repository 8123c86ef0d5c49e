"""API tokens in the admin. Every staff user may create and revoke their own token (one
each; a token carries exactly the powers of its user, so an editor's token may write
and anyone else's only read). Only superusers see, create or revoke other people's."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class OwnTokenAdmin(TokenAdmin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def get_fields(self, request, obj=None):
        return super().get_fields(request, obj) if request.user.is_superuser else ()

    def get_list_filter(self, request):
        return super().get_list_filter(request) if request.user.is_superuser else ()

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or obj.user_id == request.user.pk or request.user.is_superuser
        )

    def has_add_permission(self, request):
        return self.has_module_permission(request)  # (no query here: every admin page asks)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser:
            return form

        class OwnTokenForm(form):
            def clean(self):
                # One token per user (the database says so too).
                if TokenProxy.objects.filter(user=request.user).exists():
                    raise ValidationError("You already have a token. To replace it, delete it, then add a new one.")
                return super().clean()

        return OwnTokenForm

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser  # a token is never edited, only revoked and made anew

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.user = request.user  # whatever was posted: an editor's token is their own
        super().save_model(request, obj, form, change)
