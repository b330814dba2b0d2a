"""The pages: one blueprint per concern, all registered by ``init_app`` from one list."""
from __future__ import annotations

from . import (accounting, admin_tokens, admin_users, applications, auth, behalf, client, complaints, documents, errors,
               filters, health, incidents, intake, invitations, jobs, metrics, modeller, notifications, operators, paperwork,
               regional_settings, roadmap, sales, security, simulation, sla, task_form, tasks, vendor, versions)

BLUEPRINTS = (
    auth.bp, applications.bp, behalf.bp, invitations.bp, tasks.bp, task_form.bp, client.bp, documents.bp, admin_users.bp, admin_tokens.bp,
    incidents.bp, jobs.bp, notifications.bp, sla.bp, vendor.bp, paperwork.bp, sales.bp, accounting.bp, operators.bp, regional_settings.bp,
    modeller.bp, versions.bp, intake.bp, intake.client_bp, complaints.bp, roadmap.bp, simulation.bp,
    health.bp, metrics.bp,
)


def init_app(app) -> None:
    filters.register(app)
    errors.register(app)
    security.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    admin_tokens.register(app)
    app.add_template_global(vendor.bpmn_js_url, "bpmn_js_url")
