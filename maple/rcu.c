/* rcu.c - nodes leaving a tree, and RCU mode itself. In RCU mode a replaced node is marked dead
 * (parent := itself) before anything else happens to it, its slots are then clobbered (as the
 * kernel's rcu_head overlay clobbers part of it), and it is freed after a grace period: by liburcu's
 * call_rcu, or by the deferral a test harness installs. Outside RCU mode nodes are freed at once.
 * Never clobbers or frees a node that is still reachable from the tree. */
#include "internal.h"

#include <urcu/urcu-memb.h>

/* ThreadSanitizer cannot see liburcu's ordering (inline asm and volatile accesses), so under TSan
 * every read section's end releases, and every deferred free first acquires, one object standing
 * for "the grace period": the edge RCU guarantees between a reader's last access and the free.
 * The writer releases it before handing a node over, ordering its own last writes too. */
#ifdef MAPLE_TSAN
#include <sanitizer/tsan_interface.h>
static char tsan_grace_period;
#define tsan_gp_release() __tsan_release(&tsan_grace_period)
#define tsan_gp_acquire() __tsan_acquire(&tsan_grace_period)
#else
#define tsan_gp_release() ((void)0)
#define tsan_gp_acquire() ((void)0)
#endif

/** mt_rcu_read_lock() - begin a read section (liburcu memb's read lock). */
void mt_rcu_read_lock(void)
{
	urcu_memb_read_lock();
}

/** mt_rcu_read_unlock() - end a read section; under TSan also the grace-period edge above. */
void mt_rcu_read_unlock(void)
{
	tsan_gp_release();
	urcu_memb_read_unlock();
}

/* A dead node waits for its grace period with its rcu_head in its last 16 bytes, inside the slot
 * array, which is clobbered: an entry or child pointer read from a dead node is garbage unless the
 * reader checks for death after the read. Pivots stay as they were. */
struct rcu_dead_tail {
	struct rcu_head head;
};

#define RCU_TAIL_OFFSET (MAPLE_NODE_SIZE - sizeof(struct rcu_dead_tail))
#define RCU_POISON_WORD 0xa5a5a5a5a5a5a5a5UL   /* a clobbered slot: no valid entry or node */

static mt_call_rcu_fn rcu_deferral;

/**
 * mt_set_call_rcu() - route RCU-mode node frees through @fn instead of liburcu's call_rcu (NULL
 * restores call_rcu). @fn must call the callback only once every reader that might have seen the
 * node has left its read section. Global; set it while no RCU-mode tree has frees pending.
 */
void mt_set_call_rcu(mt_call_rcu_fn fn)
{
	rcu_deferral = fn;
}

static void rcu_free_dead(struct rcu_head *head)
{
	tsan_gp_acquire();
	alloc_free_retired((struct maple_node *)((char *)head - RCU_TAIL_OFFSET));
}

/* Clobber a dead node's slots and hand it to the grace-period machinery. The clobber is atomic:
 * readers may still load those slots (and then find the node dead). */
static void rcu_defer_free(struct maple_tree *mt, struct maple_enode *enode)
{
	struct maple_node *node = mte_to_node(enode);
	void **slot = node_slots(node, mte_type(enode));
	void **end = (void **)((char *)node + MAPLE_NODE_SIZE);
	struct rcu_dead_tail *tail = (struct rcu_dead_tail *)((char *)node + RCU_TAIL_OFFSET);

	for (; slot < end; slot++)
		__atomic_store_n(slot, (void *)RCU_POISON_WORD, __ATOMIC_RELAXED);
	alloc_retire_node(mt);
	tsan_gp_release();
	if (rcu_deferral)
		rcu_deferral(&tail->head, rcu_free_dead);
	else
		urcu_memb_call_rcu(&tail->head, rcu_free_dead);
}

/* Mark @node dead; readers that load its parent afterwards restart. */
static void rcu_mark_dead(struct maple_node *node)
{
	__atomic_store_n(&node->parent, (void *)node, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/**
 * rcu_retire_node() - @enode (already unreachable from @mt's root, or about to be freed with its
 * subtree) is done with: in RCU mode dead and freed after a grace period, else freed now.
 * Its contents must not be read after this call.
 */
void rcu_retire_node(struct maple_tree *mt, struct maple_enode *enode)
{
	if (!mt_in_rcu(mt)) {
		alloc_free_node(mt, mte_to_node(enode));
		return;
	}
	rcu_mark_dead(mte_to_node(enode));
	rcu_defer_free(mt, enode);
}

/**
 * rcu_retire_tree() - retire the subtree under @enode (covering up to @max), which the tree no
 * longer reaches: top down, each node marked dead before its children, so a reader inside the
 * subtree meets a dead node on its way up or at its next read.
 */
void rcu_retire_tree(struct maple_tree *mt, struct maple_enode *enode, unsigned long max)
{
	struct node_range r[MAPLE_RANGE64_SLOTS];
	unsigned char n = 0;

	if (!mte_is_leaf(enode))
		n = node_read(enode, 0, max, r);
	rcu_retire_node(mt, enode);
	for (unsigned char i = 0; i < n; i++)
		rcu_retire_tree(mt, r[i].entry, r[i].last);
}

/**
 * mt_set_in_rcu() - switch @mt to RCU mode: from now on writers replace nodes instead of changing
 * them in place (apart from single-pointer and single-boundary stores) and free them after a grace
 * period, so readers under rcu_read_lock() alone are safe. Takes the tree lock; nothing if already on.
 */
void mt_set_in_rcu(struct maple_tree *mt)
{
	mtree_lock(mt);
	tree_set_flags(mt, mt->ma_flags | MT_FLAGS_USE_RCU);
	mtree_unlock(mt);
}

/**
 * mt_clear_in_rcu() - leave RCU mode: writers may change nodes in place and free them at once, so
 * readers must hold the tree lock again. Takes the tree lock; nothing if already off. Frees still
 * pending from RCU mode complete after their grace period as before.
 */
void mt_clear_in_rcu(struct maple_tree *mt)
{
	mtree_lock(mt);
	tree_set_flags(mt, mt->ma_flags & ~MT_FLAGS_USE_RCU);
	mtree_unlock(mt);
}
