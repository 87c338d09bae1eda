"""Every error a user can cause, as types: the command line turns them into one line and exit 1."""

from __future__ import annotations


class GraphError(Exception):
    """A problem with data, a query or a name that the user can fix."""


class SourceError(GraphError):
    """An RDF source that cannot be read or parsed, with its file, line and column."""

    def __init__(self, file: str, message: str, line: int | None = None, column: int | None = None):
        self.file, self.line, self.column, self.message = file, line, column, message
        where = file if line is None else f"{file}:{line}" + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}")


class QueryError(GraphError):
    """A query that is malformed or fails, with the line and column when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.message, self.line, self.column = message, line, column
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(f"{message}{where}")


class RefusedQuery(QueryError):
    """A query the sandbox will not run: an update, SERVICE, FROM, LOAD, or one too long."""


class QueryTimeout(QueryError):
    """A query stopped because it ran past its time limit."""


class ParameterError(GraphError):
    """A catalogue query called with an unknown, missing or malformed parameter."""


class ResolveError(GraphError):
    """A name that matches no entity, or more than one, with the closest candidates."""

    def __init__(self, message: str, candidates: list[str] | None = None):
        self.candidates = candidates or []
        tail = f"; closest: {', '.join(self.candidates)}" if self.candidates else ""
        super().__init__(message + tail)


class StoreError(GraphError):
    """A store that cannot be opened or answered: bad --store value, unreachable endpoint."""


class SandboxBusy(GraphError):
    """Every query worker stayed busy past the wait limit: the caller should try again shortly."""

    def __init__(self, message: str, retry_after: float = 5.0):
        super().__init__(message)
        self.retry_after = retry_after


class ClientOverLimit(SandboxBusy):
    """This client has its share of queries running, or has used its query time for the minute."""


class ServeError(GraphError):
    """The web server cannot listen where asked: the port is taken or the address is not this machine's."""
