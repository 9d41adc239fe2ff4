"""The archive: where every row procarchive keeps is written and read back.

connection opens it (and migrations brings its schema up to date); ids computes the ids of
what it keeps; articles, notices, documents, captures, aliases, links (what post-crawl
linking finds) and crawls write their tables (their statements built from their column
tuples by statements); warc writes the captures' WARC files; session is the one handle a
crawl's components share (with index, what is archived already); health turns a crawl's
figures into its verdict; upkeep tidies a grown archive; site, search and csv_text are what
the served site and `procarchive export` read it with."""
