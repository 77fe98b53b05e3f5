import pytest
from channels.db import database_sync_to_async
from django.db import connections


@pytest.fixture(autouse=True)
async def _close_consumer_connections():
    """Consumers reach the database from asgiref's worker thread; close its connection after
    each test so the test database can be dropped."""
    yield
    await database_sync_to_async(connections.close_all)()
