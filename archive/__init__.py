"""The archive: where every row procarchive keeps is written and read back.

connection opens it (and migrations brings its schema up to date); ids computes the ids of
what it keeps; articles, notices, documents, captures and aliases write their tables (their
write statements built from their column tuples by statements); warc writes the captures'
WARC files; session is the one handle a crawl's components share; health turns a crawl's
figures into its verdict."""
