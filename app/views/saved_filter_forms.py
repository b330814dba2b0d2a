"""The «Сохранить текущий фильтр как …» and «×» forms of the lists (tasks, applications): one
pair of handlers for both, through ``tasks.saved_filters``."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from ..tasks import saved_filters
from ..workflow.errors import Conflict, NotFound


def save_posted(list_name: str, list_endpoint: str, back_args: dict[str, str]):
    """The list as it is shown now (the form posts its query string's fields), kept under a name;
    then the list through the saved query, or back with the reason."""
    try:
        saved = saved_filters.save(current_user, request.form.get("name", ""), request.form,
                                   shared=request.form.get("shared") == "1", list_name=list_name)
    except saved_filters.SharingNotAllowed:
        abort(403)
    except (saved_filters.BadFilterName, Conflict) as exc:
        flash(str(exc))
        return redirect(url_for(list_endpoint, **back_args), 303)
    flash(f"Фильтр «{saved.name}» сохранён.")
    return redirect(url_for(list_endpoint) + "?" + saved.query, 303)


def delete_posted(filter_id: int, list_name: str, list_endpoint: str, back_args: dict[str, str]):
    try:
        saved_filters.delete(current_user, filter_id, list_name)
    except NotFound:
        abort(404)
    flash("Фильтр удалён.")
    return redirect(url_for(list_endpoint, **back_args), 303)
