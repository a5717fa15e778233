"""`manage.py providers_check [--live] [--role caption]`: can each role work, and if not, what to do.

For each role it prints the backend, server, model, the catalogue's view of the
model, whether the server lists it, and with --live the result of one smallest real
call (which may cost a fraction of a cent on a paid endpoint). Exits 1 on any
failure, with the fix in words.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chains.providers import ROLES
from chains.providers.doctor import diagnose

FAILED = "providers_check found {count} role(s) that cannot work; the fixes are listed above."


class Command(BaseCommand):
    help = "Check each provider role: backend, server, model, catalogue status, listing, and optionally a live call."
    # It runs the provider checks itself, role by role; the project-wide checks (URLs,
    # models, templates) would only slow an operator's doctor down.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--live", action="store_true", help="Make one smallest real call per role.")
        parser.add_argument("--role", action="append", choices=ROLES, help="Check only this role (repeatable).")

    def handle(self, *args, live: bool = False, role=None, **options):
        reports = diagnose(live=live, roles=tuple(role or ROLES), today=timezone.now().date())
        for report in reports:
            self._print(report)
        failed = [report for report in reports if report.failed]
        if failed:
            raise CommandError(FAILED.format(count=len(failed)), returncode=1)
        self.stdout.write(self.style.SUCCESS("Every role can work."))

    def _print(self, report) -> None:
        status = self.style.ERROR("FAIL") if report.failed else self.style.SUCCESS("ok")
        self.stdout.write(
            f"{report.role:<11}{status}  backend={report.backend}  server={report.server or '-'}  "
            f"model={report.model or '-'}  ({report.seconds:.2f} s)"
        )
        self.stdout.write(f"           catalogue: {report.catalogue}; listed by the server: {report.listed}")
        if report.live:
            self.stdout.write(f"           live call: {report.live}")
        for problem in report.problems:
            if not problem.is_error:
                self.stdout.write(self.style.WARNING(f"           warning: {problem.message} {problem.hint}".rstrip()))
        for fix in report.fixes:
            self.stdout.write(self.style.ERROR(f"           fix: {fix}"))
