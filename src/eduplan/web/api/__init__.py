"""The JSON API under /api/v1/ (issue 20): personal tokens, the pages' scoping, OpenAPI, DHIS2 dataValueSets."""
