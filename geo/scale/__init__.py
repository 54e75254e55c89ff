"""Scale-out: the same geocode and query as on one machine, partition by partition on dask (see :mod:`geo.scale.engine`).

Kept free of heavy imports: the CLI reads these names for its options on every start."""

#: Input size (bytes, all files together) from which ``--engine auto`` runs on dask.
AUTO_DASK_BYTES = 1 << 30
#: The engines a command can run on.
ENGINES = ("auto", "single", "dask")
