"""Every contact with WeasyPrint: loading it, the justification seam, the sandboxed fetcher,
rendering and the walks over its box tree. Nothing outside this folder touches its internals."""
