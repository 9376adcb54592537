// SPDX-License-Identifier: GPL-2.0
#include "util/dlib.h"

#include <dlfcn.h>
#include <errno.h>

#include "util/util.h"

int dlib__load(struct dlib *lib, struct err *err)
{
	int ret;

	pthread_mutex_lock(&lib->lock);
	if (!lib->ret) {
		/*
		 * RTLD_NOW: a missing symbol shows now, not as a crash in the
		 * middle of a command. RTLD_LOCAL: its symbols stay out of the
		 * global scope, where they could interpose on another library's.
		 */
		lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
		if (!lib->handle) {
			const char *why = dlerror();

			lib->ret = err__set(&lib->err, -ENOENT, "cannot load %s (for %s): %s",
					    lib->soname, lib->use, why ? why : "unknown error");
		} else {
			lib->ret = lib->bind(lib);
			if (!lib->ret) {
				lib->ret = 1;
			} else {
				/* Not one of its functions has run: it can go. */
				dlclose(lib->handle);
				lib->handle = NULL;
			}
		}
	}
	ret = lib->ret;
	pthread_mutex_unlock(&lib->lock);
	if (ret < 0) {
		err__copy(err, &lib->err);
		return ret;
	}
	return 0;
}

int dlib__load_or_warn(struct dlib *lib, const char *consequence)
{
	struct err e = ERR_INIT;
	int ret = dlib__load(lib, &e);
	bool warn;

	if (!ret)
		return 0;
	pthread_mutex_lock(&lib->lock);
	warn = !lib->warned;
	lib->warned = true;
	pthread_mutex_unlock(&lib->lock);
	if (warn)
		pr_warning("%s: %s", err__str(&e), consequence);
	return ret;
}

void *dlib__sym(struct dlib *lib, const char *name)
{
	void *p = dlsym(lib->handle, name);

	if (!p)
		err__set(&lib->err, -ENOENT, "cannot load %s (for %s): it has no '%s'",
			 lib->soname, lib->use, name);
	return p;
}
