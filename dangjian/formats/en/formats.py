from dangjian.formats.common import *  # noqa: F403
