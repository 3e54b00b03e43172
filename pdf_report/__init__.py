"""Audit reports as PDF: ``pdf_report.render.render_pdf`` draws an ``app.audit_report.AuditReport``.

Drawn with QtGui's ``QPdfWriter`` and painter alone (fonts need a ``QGuiApplication``; no widget is made),
from the report's content types, the domain's notation and the chart (``chart``). It never opens the store:
the rows of the event listing come from the report. A large report is drawn by a second process
(``pdf_report.helper_process``) while this one reads the log (``pdf_report.helper``).
"""
