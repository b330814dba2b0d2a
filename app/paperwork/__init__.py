"""Documents for signing generated from the structured forms: the Act of publication (Appendix 5)
and the sales report (Appendix 6), as DOCX in the appendices' layout and, when LibreOffice is
installed, as PDF.

The documents are generated on demand from the data they show (the form being filled, the
completed Act, a recorded sales report); nothing generated is stored: what is kept is the signed
scan, uploaded like every other document (``app.documents``).
"""
