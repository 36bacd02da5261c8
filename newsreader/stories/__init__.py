"""Stories: the articles that report one story, grouped (issue 18).

`signature` turns a body into a MinHash signature over its spot shingles and the LSH band
keys that find candidates; `grouping` decides which candidate an article joins; `events`
finds and confirms independent reports of one event (close coverage); `keeping`
stores signatures and groups (schema step 9) and keeps them current as batches are saved;
`groups` is what the list, search and the CLI ask for. Imports no UI.
"""
