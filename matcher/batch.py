"""Batch backends: run one job function over many items, on this machine or on a Ray cluster.

A job is a plain module-level function `job(shared, item) -> result`; `shared` (e.g. the
encoders) is sent once, the items stream. Both backends yield the results in item order, so
a caller's code path is the same whichever runs it, and so are the results. Ray is imported
only when a `RayBackend` is made (the optional `cluster` extra: `pip install matcher[cluster]`).

`make_backend(None)` runs locally; `make_backend("auto")` joins the Ray cluster this machine
belongs to, `make_backend("ray://host:10001")` or `"host:6379"` a given one, and
`make_backend("local")` starts a throwaway Ray cluster on this machine.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from matcher.errors import MatcherError

Shared = TypeVar("Shared")
Item = TypeVar("Item")
Result = TypeVar("Result")


class BatchBackend(Protocol):
    """Runs `job(shared, item)` for every item; results in item order."""

    name: str

    def map(
        self,
        job: Callable[[Shared, Item], Result],
        shared: Shared,
        items: Iterable[Item],
        window: int | None = None,
    ) -> Iterator[Result]:
        """Results of `job(shared, item)`; at most `window` items are in flight at once."""
        ...

    def close(self) -> None:
        """Release what the backend started."""
        ...


class LocalBackend:
    """This process, one item after another."""

    name = "local"

    def map(
        self,
        job: Callable[[Shared, Item], Result],
        shared: Shared,
        items: Iterable[Item],
        window: int | None = None,
    ) -> Iterator[Result]:
        return (job(shared, item) for item in items)

    def close(self) -> None:
        return None


class RayBackend:
    """Ray tasks, one per item (`num_cpus` each), at most `window` in flight.

    `address`: None or "local" starts a local cluster (`init_options` such as `num_cpus`
    go to `ray.init`); anything else is passed to `ray.init(address=...)`.
    """

    def __init__(self, address: str | None = None, task_cpus: float = 1, **init_options: Any):
        try:
            import ray
        except ImportError as exc:
            raise MatcherError(
                "未安装 Ray：pip install 'matcher[cluster]'（或 pip install ray）"
            ) from exc
        self._ray = ray
        self.task_cpus = task_cpus
        self._started = not ray.is_initialized()
        if self._started:
            local = address in (None, "local")
            options = {"include_dashboard": False, "log_to_driver": False, **init_options}
            try:
                ray.init(address=None if local else address, **options)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise MatcherError(f"无法连接 Ray 集群「{address}」：{exc}") from exc
        self.name = f"ray:{address or 'local'}"
        self._remote: dict[Callable[..., Any], Any] = {}

    def workers(self) -> int:
        """How many tasks of `task_cpus` the cluster runs at once."""
        cpus = self._ray.cluster_resources().get("CPU", 1)
        return max(1, int(cpus // self.task_cpus))

    def map(
        self,
        job: Callable[[Shared, Item], Result],
        shared: Shared,
        items: Iterable[Item],
        window: int | None = None,
    ) -> Iterator[Result]:
        remote = self._remote.get(job)
        if remote is None:
            remote = self._ray.remote(num_cpus=self.task_cpus)(job)
            self._remote[job] = remote
        window = window or 2 * self.workers()
        shared_ref = self._ray.put(shared)
        pending: collections.deque[Any] = collections.deque()
        for item in items:
            pending.append(remote.remote(shared_ref, item))
            if len(pending) >= window:
                yield self._ray.get(pending.popleft())
        while pending:
            yield self._ray.get(pending.popleft())

    def close(self) -> None:
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()


def make_backend(address: str | None) -> BatchBackend:
    """`LocalBackend` for None, else a `RayBackend` for the address ("auto", "local", ...)."""
    return LocalBackend() if address is None else RayBackend(address)
