// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/guest_image.h"
#include "core/log.h"

#define GUEST_FILE_MAX (1ULL << 30) /* nothing sensible is bigger */

/*
 * Two whole definitions of guest_image_get(): the embedded blob's symbols
 * (core/guest_blob.S) exist only when GUEST_EMBED links it, and
 * GUEST_KERNEL is read at run time only without it.
 */
#ifdef CONFIG_GUEST_EMBED
/* core/guest_blob.S */
extern const uint8_t keel_guest_kernel[], keel_guest_kernel_end[];
extern const uint8_t keel_guest_initrd[], keel_guest_initrd_end[];

int guest_image_get(struct guest_image *img)
{
	img->kernel = keel_guest_kernel;
	img->kernel_size = (size_t)(keel_guest_kernel_end - keel_guest_kernel);
	img->initrd_size = (size_t)(keel_guest_initrd_end - keel_guest_initrd);
	img->initrd = img->initrd_size ? keel_guest_initrd : NULL;
	return 0;
}
#else
static int read_file(const char *path, const char *symbol, const uint8_t **data, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		pr_err("cannot open %s '%s': %s", symbol, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > GUEST_FILE_MAX) {
		pr_err("%s '%s' is not a regular file of at most 1 GiB", symbol, path);
		close(fd);
		return -1;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		pr_err("out of memory reading %s '%s'", symbol, path);
		close(fd);
		return -1;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pr_err("cannot read %s '%s': %s", symbol, path,
			       n ? strerror(errno) : "short");
			free(buf);
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	close(fd);
	*data = buf;
	*size = done;
	return 0;
}

int guest_image_get(struct guest_image *img)
{
	memset(img, 0, sizeof(*img));
	if (read_file(CONFIG_GUEST_KERNEL, "GUEST_KERNEL", &img->kernel, &img->kernel_size))
		return -1;
	if (CONFIG_GUEST_INITRD[0] &&
	    read_file(CONFIG_GUEST_INITRD, "GUEST_INITRD", &img->initrd, &img->initrd_size))
		return -1;
	return 0;
}
#endif
