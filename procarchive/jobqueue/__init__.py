"""Scrapyd nodes sharing one Redis job queue: leased jobs, one job a source at a time, and
the jobs of a node that died put back at the head of the queue (issue 18)."""
