/*
 * In-process libqrencode peer for benches/batch.sh: one process, one
 * thread, encodes every payload text of a list and writes one PNG or SVG
 * file per code, so the comparison with payqr is not a comparison with
 * process start-up (the `qrencode` CLI run once per code is).
 *
 *   qrencode_batch LIST OUT_DIR png|svg
 *
 * LIST holds "INDEX<TAB>PAYLOAD" lines (the payload texts payqr issued,
 * already signed). Each code goes to OUT_DIR/XX/INDEX.png where XX is
 * INDEX mod 256 in hex: 256 shard directories, like payqr's layout, so
 * neither side pays for one huge directory.
 *
 * Settings follow payqr's renderer (src/render/mod.rs), not qrencode's
 * CLI defaults, so both do the same work: level M, all 8 masks scored,
 * 4 px per module, 4 modules of quiet zone, 1-bit grayscale PNG with the
 * Up filter and zlib level 1 (payqr: png crate `Compression::Fastest`);
 * SVG: a white rect and one path of `M x yhNv1h-Nz` runs per dark run.
 * What it does not do, and payqr does: sign, write temporary files and
 * rename them, sync, write a manifest or a ledger.
 *
 * Prints the number of codes, bytes written and QR versions at the end.
 *
 * Built by benches/batch.sh: gcc -O2 qrencode_batch.c -lqrencode -lpng
 * (Debian: libqrencode-dev, libpng-dev).
 */
#include <errno.h>
#include <png.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SCALE 4
#define QUIET 4

static void die(const char *what, const char *arg)
{
    fprintf(stderr, "qrencode_batch: %s %s: %s\n", what, arg, strerror(errno));
    exit(2);
}

static long write_png(const QRcode *qr, const char *path)
{
    int modules = qr->width + 2 * QUIET;
    int side = modules * SCALE;
    int row_bytes = (side + 7) / 8;
    unsigned char *row = malloc(row_bytes);
    FILE *f = fopen(path, "wb");
    if (!f || !row)
        die("cannot create", path);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (!png || !info || setjmp(png_jmpbuf(png)))
        die("libpng failed on", path);
    png_init_io(png, f);
    png_set_IHDR(png, info, side, side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, 0, PNG_FILTER_UP);
    png_set_compression_level(png, 1);
    png_write_info(png, info);
    for (int my = 0; my < modules; my++) {
        /* 1 is white in 1-bit grayscale; clear the dark modules. */
        memset(row, 0xff, row_bytes);
        int y = my - QUIET;
        if (y >= 0 && y < qr->width) {
            const unsigned char *m = qr->data + y * qr->width;
            for (int x = 0; x < qr->width; x++) {
                if (m[x] & 1) {
                    int px0 = (x + QUIET) * SCALE;
                    for (int px = px0; px < px0 + SCALE; px++)
                        row[px / 8] &= ~(0x80 >> (px % 8));
                }
            }
        }
        for (int r = 0; r < SCALE; r++)
            png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    long size = ftell(f);
    if (fclose(f) != 0)
        die("cannot write", path);
    free(row);
    return size;
}

static long write_svg(const QRcode *qr, const char *path)
{
    int modules = qr->width + 2 * QUIET;
    /* Worst case: every module its own run of ~20 bytes. */
    size_t cap = (size_t)qr->width * qr->width * 24 + 512;
    char *buf = malloc(cap);
    if (!buf)
        die("out of memory for", path);
    int n = snprintf(buf, cap,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
                     "height=\"%d\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
                     "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                     modules * SCALE, modules * SCALE, modules, modules, modules, modules);
    for (int y = 0; y < qr->width; y++) {
        const unsigned char *m = qr->data + y * qr->width;
        int x = 0;
        while (x < qr->width) {
            if (!(m[x] & 1)) {
                x++;
                continue;
            }
            int start = x;
            while (x < qr->width && (m[x] & 1))
                x++;
            n += snprintf(buf + n, cap - n, "M%d %dh%dv1h-%dz", start + QUIET, y + QUIET,
                          x - start, x - start);
        }
    }
    n += snprintf(buf + n, cap - n, "\"/></svg>\n");
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create", path);
    if (fwrite(buf, 1, n, f) != (size_t)n || fclose(f) != 0)
        die("cannot write", path);
    free(buf);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[3], "png") && strcmp(argv[3], "svg"))) {
        fprintf(stderr, "usage: qrencode_batch LIST OUT_DIR png|svg\n");
        return 2;
    }
    int svg = strcmp(argv[3], "svg") == 0;
    FILE *list = fopen(argv[1], "r");
    if (!list)
        die("cannot read", argv[1]);
    if (mkdir(argv[2], 0755) != 0 && errno != EEXIST)
        die("cannot create", argv[2]);
    char made[256] = {0};
    char *line = NULL, path[4096];
    size_t cap = 0;
    ssize_t len;
    long codes = 0, bytes = 0;
    long versions[41] = {0};
    while ((len = getline(&line, &cap, list)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = 0;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        long index = strtol(line, NULL, 10);
        /* One alphanumeric segment, the smallest version that holds it,
         * as payqr encodes a PQ1: payload (all of it is in QR's
         * alphanumeric set). QRcode_encodeString would split digit runs
         * into numeric segments and pick version 8 for some payloads
         * payqr puts in version 9: less work, not the same work. */
        QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
        if (!in || QRinput_append(in, QR_MODE_AN, (int)(len - (tab + 1 - line)),
                                  (unsigned char *)tab + 1) != 0)
            die("cannot encode line", line);
        QRcode *qr = QRcode_encodeInput(in);
        QRinput_free(in);
        if (!qr)
            die("cannot encode line", line);
        int shard = (int)(index & 255);
        snprintf(path, sizeof path, "%s/%02x", argv[2], shard);
        if (!made[shard]) {
            if (mkdir(path, 0755) != 0 && errno != EEXIST)
                die("cannot create", path);
            made[shard] = 1;
        }
        snprintf(path, sizeof path, "%s/%02x/%ld.%s", argv[2], shard, index, argv[3]);
        bytes += svg ? write_svg(qr, path) : write_png(qr, path);
        versions[qr->version]++;
        QRcode_free(qr);
        codes++;
    }
    free(line);
    fclose(list);
    printf("%ld codes, %ld bytes, QR versions", codes, bytes);
    for (int v = 1; v <= 40; v++)
        if (versions[v])
            printf(" v%d:%ld", v, versions[v]);
    printf("\n");
    return 0;
}
