"""What an article's text says beyond its markup: language, kind, organisations named, the
MoU it reports, dates of events, shingles for reposts. Pure functions over extracted text,
run once an article in the extraction worker (analysis.article.analyse)."""
