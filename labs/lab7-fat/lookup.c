/*
 * lookup.c - paths: "/Sub Dir/a b.txt" word by word from the root, with "."
 * and "..", and the check that no directory on the way is one of its own
 * parents. Pure code, host-tested (tests/test_lab7_fs.c, test_lab7_hostile.c).
 *
 * [FAT] "FAT Directory Structure": every directory but the root starts with
 * "." and "..", which the listing hides; here ".." goes back along the path
 * taken (FAT has no links, so that is the directory its ".." names). A
 * hostile disk can give a directory the first cluster of one of its parents:
 * the tree is then a loop, and a write inside it would land in the parent.
 */
#include "fat.h"
#include "kstring.h"
#include "panic.h"

#define PATH_DEPTH (FAT_PATH_MAX / 2)   /* "a/b/c/...": the most words a path can hold */

struct path_walk {
    struct fat_node dir;                /* where the walk is */
    uint32_t up[PATH_DEPTH];            /* the first clusters of the directories above it */
    int depth;
};

static uint32_t root_cluster(const struct fat_volume *v)
{
    return v->g.type == FAT_TYPE_32 ? v->g.root_cluster : 0;
}

static void dir_node(struct fat_node *n, uint32_t cluster, const char *name)
{
    memset(n, 0, sizeof *n);
    strlcpy(n->name, name, sizeof n->name);
    n->attr = FAT_ATTR_DIRECTORY;
    n->cluster = cluster;
}

static bool is_dot(const char *word) { return strcmp(word, ".") == 0; }
static bool is_dotdot(const char *word) { return strcmp(word, "..") == 0; }

/* A directory found on the way must not be the one it is in, nor any above that. */
static int check_not_ancestor(struct fat_volume *v, const struct path_walk *w,
                              const struct fat_node *child)
{
    bool loop = child->cluster == w->dir.cluster;

    for (int i = 0; i < w->depth; i++)
        loop |= child->cluster == w->up[i];
    if (loop)
        return fat_corrupt(v, "the directory \"%s\" is at cluster %u, one of its own parents",
                           child->name, child->cluster);
    return 0;
}

/* One word further: "." stays, ".." goes back up, a name goes into that directory. */
static int descend(struct fat_volume *v, struct path_walk *w, const char *word)
{
    struct fat_node child;
    int err;

    if (is_dot(word))
        return 0;
    if (is_dotdot(word)) {
        if (w->depth > 0)               /* the root's ".." is the root */
            dir_node(&w->dir, w->up[--w->depth], "..");
        return 0;
    }
    if (w->depth == PATH_DEPTH)
        return FAT_EINVAL;
    if ((err = fat_dir_find(v, w->dir.cluster, word, &child)))
        return err;
    if (!fat_node_is_dir(&child))
        return FAT_ENOTDIR;
    if ((err = check_not_ancestor(v, w, &child)))
        return err;
    w->up[w->depth++] = w->dir.cluster;
    w->dir = child;
    return 0;
}

/* Every word of the path but the last, which goes to `last`; EINVAL if there is none. */
static int walk_to_parent(struct fat_volume *v, const char *path, struct path_walk *w,
                          char last[FAT_NAME_MAX + 1])
{
    char next[FAT_NAME_MAX + 1];
    const char *p = path;
    int err;

    dir_node(&w->dir, root_cluster(v), "/");
    w->depth = 0;
    if (!fat_path_next(&p, last, &err))
        return err ? err : FAT_EINVAL;      /* "/" has no parent */
    while (fat_path_next(&p, next, &err)) {
        if ((err = descend(v, w, last)))
            return err;
        strlcpy(last, next, FAT_NAME_MAX + 1);
    }
    return err;
}

int fat_lookup_parent(struct fat_volume *v, const char *path, struct fat_node *parent,
                      char last[FAT_NAME_MAX + 1])
{
    struct path_walk w;
    int err = walk_to_parent(v, path, &w, last);

    *parent = w.dir;
    return err;
}

int fat_lookup(struct fat_volume *v, const char *path, struct fat_node *out)
{
    char last[FAT_NAME_MAX + 1];
    struct path_walk w;
    int err = walk_to_parent(v, path, &w, last);

    while (*path == '/')
        path++;
    if (err == FAT_EINVAL && *path == '\0') {
        dir_node(out, root_cluster(v), "/");
        return 0;
    }
    if (err)
        return err;
    if (is_dot(last) || is_dotdot(last)) {
        err = descend(v, &w, last);
        *out = w.dir;
        strlcpy(out->name, last, sizeof out->name);     /* never removed by this name */
        return err;
    }
    if ((err = fat_dir_find(v, w.dir.cluster, last, out)))
        return err;
    return fat_node_is_dir(out) ? check_not_ancestor(v, &w, out) : 0;
}
