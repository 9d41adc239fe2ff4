"""Names the queue, its Scrapyd nodes and their crawls agree on (no Redis import here: every
crawl loads the lease extension, which needs Redis only for a job of the shared queue)."""

REDIS_URL_ENV = "PROCARCHIVE_REDIS_URL"
DEFAULT_PREFIX = "procarchive:jobqueue"
DEFAULT_PROJECT = "procarchive"
DEFAULT_LEASE = 60.0
DEFAULT_MAX_REQUEUES = 3
# Settings a popped job passes to its crawl, for its lease (procarchive.jobqueue.lease).
JOB_SETTING = "PROCARCHIVE_JOBQUEUE_JOB"
TOKEN_SETTING = "PROCARCHIVE_JOBQUEUE_TOKEN"
PREFIX_SETTING = "PROCARCHIVE_JOBQUEUE_PREFIX"
PROJECT_SETTING = "PROCARCHIVE_JOBQUEUE_PROJECT"
LEASE_SETTING = "PROCARCHIVE_JOBQUEUE_LEASE"
MAX_REQUEUES_SETTING = "PROCARCHIVE_JOBQUEUE_MAX_REQUEUES"
# The shard a popped job writes (its PROCARCHIVE_DB), announced when the job is done.
SHARD_SETTING = "PROCARCHIVE_JOBQUEUE_SHARD"
DEFAULT_SHARDS = "shards"  # under Scrapyd's working directory, unless jobqueue_shards says
