"""What leaves the press: the atomic write, PDF/X mending for the print shop, preflight and
booklet imposition."""
