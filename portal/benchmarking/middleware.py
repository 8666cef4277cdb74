"""The header with which `manage.py benchmark_pages`'s server says how many SQL queries each
response cost (portal.settings.benchmark only): counted in the worker that served it, whatever
the cache held, so the figure is the served request's own."""

from contextlib import ExitStack

from django.db import connections

QUERIES_HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    """Outermost, so every middleware's queries count too (sessions, the page cache's version)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counted))
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(count)
        return response
