"""The editor's commands over the pipeline: batch builds, the live preview, the next issue,
and the report lines the CLI prints for them."""
