"""A cog extension that fails to load, for the test that one bad cog spares the others."""


async def setup(bot):
    raise RuntimeError("this cog is broken on purpose")
