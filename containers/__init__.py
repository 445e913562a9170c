"""The sandbox image's build files, shipped as package data (`agentdata.containers`).

`agentdata sandbox build` reads them with `importlib.resources`, so an installed wheel
builds its image without the source tree.
"""
