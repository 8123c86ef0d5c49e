"""OpenAPI schema generation (drf-spectacular), with what every operation can answer
besides success: the error responses of exceptions.py and the If-Match header of writes."""

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID = {
    "type": "object",
    "description": "Each invalid field (or `non_field_errors`) with its messages, or a `detail` message.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

ERRORS = {
    "400": ("Invalid input: the fields at fault and why. Nothing was stored.", INVALID),
    "401": ("Writes need `Authorization: Token <key>` (or an admin session).", DETAIL),
    "403": ("The user may not do this (writes need the Editors group).", DETAIL),
    "404": ("No such object, or not published (a draft is a 404 to the public).", DETAIL),
    "409": ("Others depend on this object, or a concurrent write came first. Nothing was stored.", DETAIL),
    "412": ("If-Match does not match the object's current ETag: someone changed it since.", DETAIL),
    "413": ("The request body is too large.", DETAIL),
    "415": ("The body must be JSON (`Content-Type: application/json`).", DETAIL),
    "428": ("PUT, PATCH and DELETE need If-Match with the ETag you read.", DETAIL),
    "429": ("Too many requests from this address; see Retry-After.", DETAIL),
    "503": ("The database is unreachable for now; retry after Retry-After seconds.", DETAIL),
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CONDITIONAL = {"PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    def error_codes(self) -> list[str]:
        codes = ["429", "503"]
        if self._is_list_view():
            codes += ["400", "404"]  # an unknown filter or a bad value; a page past the end
        elif self.method == "GET" or self.path.count("{"):
            codes.append("404")
        if self.method in UNSAFE:
            codes += ["401", "403", "409"]
            if self.method != "DELETE":
                codes += ["400", "413", "415"]
        if self.method in CONDITIONAL:
            codes += ["412", "428"]
        return sorted(set(codes))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self.error_codes():
            description, schema = ERRORS[code]
            responses.setdefault(
                code, {"description": description, "content": {"application/json": {"schema": schema}}}
            )
        return responses

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "GET" and not self._is_list_view() and self.path.count("{"):
            parameters = [
                *parameters,
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="An ETag you hold: the answer is 304, without a body, while it is current.",
                ),
            ]
        if self.method in CONDITIONAL:
            parameters = [
                *parameters,
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=True,
                    description="The ETag of the object as you last read it (or `*`).",
                ),
            ]
        return parameters
