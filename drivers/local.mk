EXTRA_DIST += drivers/common/saker_abi.h drivers/common/saker_events.h drivers/common/saker_ia32.h
