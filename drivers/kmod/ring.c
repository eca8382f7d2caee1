// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU rings. Each ring is written only by its CPU with preemption
 * disabled, so the writer needs no lock; the reader consumes from userspace
 * through the mapping and publishes its position in the control page. The
 * data pages are mapped twice back to back, in the kernel (vmap) and in the
 * reader, so a record that wraps around the end is contiguous for both.
 */
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "compat.h"
#include "saker_kmod.h"

struct saker_ring {
	struct saker_ring_ctl *ctl; /* shared with the reader */
	struct page *ctl_page;
	struct page **pages; /* npages data pages, listed twice */
	unsigned int npages;
	void *data; /* vmap of the pages twice */
	u32 size;
	u64 head; /* the kernel's own copy; ctl->head is only published */
	u64 records;
	u64 drops[SAKER_DROP_MAX];
	int busy; /* a record is being built (catches re-entry) */
};

static struct saker_ring **rings; /* nr_cpu_ids entries, possible CPUs set */
DECLARE_WAIT_QUEUE_HEAD(saker_ring_wait);

static void ring_free(struct saker_ring *ring)
{
	unsigned int i;

	if (!ring)
		return;
	if (ring->data)
		vunmap(ring->data);
	for (i = 0; i < ring->npages; i++)
		if (ring->pages[i])
			__free_page(ring->pages[i]);
	kfree(ring->pages);
	if (ring->ctl_page)
		__free_page(ring->ctl_page);
	kfree(ring);
}

static struct saker_ring *ring_alloc(unsigned int cpu, u32 size)
{
	int node = cpu_to_node(cpu);
	struct saker_ring *ring;
	unsigned int i;

	ring = kzalloc_node(sizeof(*ring), GFP_KERNEL, node);
	if (!ring)
		return NULL;
	ring->size = size;
	ring->npages = size >> PAGE_SHIFT;
	ring->pages = kcalloc(2 * ring->npages, sizeof(*ring->pages), GFP_KERNEL);
	if (!ring->pages)
		goto err_free_ring;
	for (i = 0; i < ring->npages; i++) {
		ring->pages[i] = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
		if (!ring->pages[i])
			goto err_free_ring;
		ring->pages[i + ring->npages] = ring->pages[i];
	}
	ring->data = vmap(ring->pages, 2 * ring->npages, VM_MAP, PAGE_KERNEL);
	if (!ring->data)
		goto err_free_ring;
	ring->ctl_page = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, 0);
	if (!ring->ctl_page)
		goto err_free_ring;
	ring->ctl = page_address(ring->ctl_page);
	ring->ctl->size = size;
	return ring;

err_free_ring:
	ring_free(ring);
	return NULL;
}

/* Rings for every possible CPU, so a CPU that comes online later has one. */
int saker_rings_alloc(u32 size)
{
	unsigned int cpu;

	rings = kcalloc(nr_cpu_ids, sizeof(*rings), GFP_KERNEL);
	if (!rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		rings[cpu] = ring_alloc(cpu, size);
		if (!rings[cpu]) {
			saker_rings_free();
			return -ENOMEM;
		}
	}
	return 0;
}

/* Caller has unregistered the probes and waited for running ones. */
void saker_rings_free(void)
{
	unsigned int cpu;

	if (!rings)
		return;
	for_each_possible_cpu(cpu)
		ring_free(rings[cpu]);
	kfree(rings);
	rings = NULL;
}

struct saker_ring *saker_ring_get(unsigned int cpu)
{
	struct saker_ring **r = READ_ONCE(rings);

	return r && cpu < nr_cpu_ids ? r[cpu] : NULL;
}

/*
 * Where the next record goes and how many bytes it may take. The tail comes
 * from userspace: a value that claims more than the ring holds is treated
 * as a full ring, never used as an address.
 */
void *saker_ring_reserve(struct saker_ring *ring, u32 *ret_limit)
{
	u64 tail, used;

	if (ring->busy) {
		ring->drops[SAKER_DROP_FAULT]++;
		return NULL;
	}
	tail = smp_load_acquire(&ring->ctl->tail);
	used = ring->head - tail;
	if (used >= ring->size) {
		saker_ring_drop(ring, SAKER_DROP_BUFFER_FULL);
		return NULL;
	}
	ring->busy = 1;
	*ret_limit = min_t(u64, ring->size - used, SAKER_REC_MAX);
	return ring->data + (ring->head & (ring->size - 1));
}

void saker_ring_unreserve(struct saker_ring *ring)
{
	ring->busy = 0;
}

void saker_ring_commit(struct saker_ring *ring, u32 len)
{
	u64 old = ring->head - READ_ONCE(ring->ctl->tail);

	ring->head += SAKER_RING_ALIGN(len);
	ring->records++;
	ring->busy = 0;
	/* The record's bytes are visible before the head that covers them. */
	smp_store_release(&ring->ctl->head, ring->head);
	/* Wake the reader once per crossing of a quarter of the ring only. */
	if (old < ring->size / 4 && old + SAKER_RING_ALIGN(len) >= ring->size / 4 &&
	    wq_has_sleeper(&saker_ring_wait))
		wake_up_interruptible(&saker_ring_wait);
}

/* Count a record that was not written; a reservation is released first. */
void saker_ring_drop(struct saker_ring *ring, enum saker_drop_reason why)
{
	ring->drops[why]++;
}

/* Counters are read while a CPU may be writing: each is a whole u64. */
int saker_ring_stats(unsigned int cpu, struct saker_ioc_stats *st)
{
	struct saker_ring *ring = saker_ring_get(cpu);
	unsigned int i;

	if (!ring)
		return -EINVAL;
	st->online = cpu_online(cpu);
	st->records = READ_ONCE(ring->records);
	for (i = 0; i < SAKER_DROP_MAX && i < ARRAY_SIZE(st->drops); i++)
		st->drops[i] = READ_ONCE(ring->drops[i]);
	return 0;
}

bool saker_rings_readable(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct saker_ring *ring = saker_ring_get(cpu);

		if (ring && smp_load_acquire(&ring->ctl->head) != READ_ONCE(ring->ctl->tail))
			return true;
	}
	return false;
}

/* The control page read-write, the data pages read-only and twice. */
int saker_ring_mmap(unsigned int cpu, unsigned int region, struct vm_area_struct *vma)
{
	struct saker_ring *ring = saker_ring_get(cpu);
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned int i;
	int err;

	if (!ring)
		return -EINVAL;
	if (region == SAKER_MMAP_CTL) {
		if (len != PAGE_SIZE)
			return -EINVAL;
		saker_vma_set_flags(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY);
		return vm_insert_page(vma, vma->vm_start, ring->ctl_page);
	}
	if (region != SAKER_MMAP_DATA || len != 2ul * ring->size)
		return -EINVAL;
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EPERM;
	saker_vma_clear_flags(vma, VM_MAYWRITE | VM_MAYEXEC);
	saker_vma_set_flags(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY);
	for (i = 0; i < 2 * ring->npages; i++) {
		err = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE, ring->pages[i]);
		if (err)
			return err;
	}
	return 0;
}
