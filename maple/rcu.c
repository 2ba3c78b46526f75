/* rcu.c - nodes leaving a tree, and RCU mode itself. In RCU mode a replaced node is marked dead
 * (parent := itself) before anything else happens to it, its contents are then clobbered (as the
 * kernel's rcu_head overlay clobbers them), and it is freed after a grace period: by liburcu's
 * call_rcu, or by the deferral a test harness installs. Outside RCU mode nodes are freed at once.
 * Never clobbers or frees a node that is still reachable from the tree. */
#include "internal.h"

#include <string.h>
#include <urcu/urcu-memb.h>

/* What a dead node holds while it waits for its grace period. */
struct rcu_dead_node {
	void *parent;                /* the node itself: dead */
	struct rcu_head head;
};

_Static_assert(sizeof(struct rcu_dead_node) <= MAPLE_NODE_SIZE, "a dead node's record fits the node");

#define RCU_POISON 0xa5          /* a clobbered pivot or slot reads 0xa5a5...: no valid node or range */

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
	struct rcu_dead_node *dead = caa_container_of(head, struct rcu_dead_node, head);

	alloc_free_retired((struct maple_node *)dead);
}

/* Clobber a dead node and hand it to the grace-period machinery. */
static void rcu_defer_free(struct maple_tree *mt, struct maple_node *node)
{
	struct rcu_dead_node *dead = (struct rcu_dead_node *)node;

	memset((char *)node + sizeof(node->parent), RCU_POISON, sizeof(*node) - sizeof(node->parent));
	alloc_retire_node(mt, node);
	if (rcu_deferral)
		rcu_deferral(&dead->head, rcu_free_dead);
	else
		urcu_memb_call_rcu(&dead->head, rcu_free_dead);
}

/* Mark @node dead; readers that load its parent afterwards restart. */
void rcu_mark_dead(struct maple_node *node)
{
	__atomic_store_n(&node->parent, (void *)node, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/**
 * rcu_retire_node() - @node (already unreachable from @mt's root, or about to be freed with its
 * subtree) is done with: in RCU mode dead and freed after a grace period, else freed now.
 * Its contents must not be read after this call.
 */
void rcu_retire_node(struct maple_tree *mt, struct maple_node *node)
{
	if (!mt_in_rcu(mt)) {
		alloc_free_node(mt, node);
		return;
	}
	rcu_mark_dead(node);
	rcu_defer_free(mt, node);
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
	rcu_retire_node(mt, mte_to_node(enode));
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
	mt->ma_flags |= MT_FLAGS_USE_RCU;
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
	mt->ma_flags &= ~MT_FLAGS_USE_RCU;
	mtree_unlock(mt);
}
