/*
 * test_lab10_http.c - lab 10's HTTP request heads (labs/lab10-net/httpreq.c,
 * RFC 9112, RFC 3986 2.1): where a head ends, the request line's three words,
 * percent-decoding (spaces, a long name, bad escapes, %00), the query dropped,
 * Connection: close and keep-alive for 1.1 and 1.0, and each malformed head
 * answered with its status, never read past (ASan watches every buffer).
 * grade: given code only, no points (httpreq.c has no stub: the server is given).
 */
#include <stdbool.h>
#include "host.h"
#include "http.h"

static int parse(const char *text, struct http_request *r)
{
    size_t len = strlen(text);
    char *exact = malloc(len);          /* no NUL after it: a read past the end is caught */
    memcpy(exact, text, len);
    int status = http_parse(exact, len, r);
    free(exact);
    return status;
}

/* Decode n bytes that end the buffer: a read past them is caught. */
static bool decode_exact(const char *in, size_t n, char *out, size_t cap)
{
    char *exact = malloc(n ? n : 1);
    memcpy(exact, in, n);
    bool ok = http_percent_decode(exact, n, out, cap);
    free(exact);
    return ok;
}

TEST(the_head_ends_at_the_empty_line)
{
    CHECK_EQ(http_head_end("GET / HTTP/1.1\r\n\r\nrest", 22), 18);
    CHECK_EQ(http_head_end("GET / HTTP/1.1\r\n\r", 17), 0);
    CHECK_EQ(http_head_end("", 0), 0);
}

TEST(a_plain_get)
{
    struct http_request r;
    CHECK_EQ(parse("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", &r), 0);
    CHECK(strcmp(r.method, "GET") == 0);
    CHECK(strcmp(r.path, "/hello.txt") == 0);
    CHECK(r.keep_alive);
}

TEST(percent_escapes_are_decoded_and_the_query_dropped)
{
    struct http_request r;
    CHECK_EQ(parse("GET /Some%20Dir/some%20file.bin?x=%41 HTTP/1.1\r\n\r\n", &r), 0);
    CHECK(strcmp(r.path, "/Some Dir/some file.bin") == 0);
    char out[8];
    CHECK(http_percent_decode("%7e%7E", 6, out, sizeof out) && strcmp(out, "~~") == 0);
    CHECK(!decode_exact("%4", 2, out, sizeof out));
    CHECK(!decode_exact("a%", 2, out, sizeof out));
    CHECK(!http_percent_decode("%zz", 3, out, sizeof out));
    CHECK(!http_percent_decode("a%00b", 5, out, sizeof out));
    CHECK(!http_percent_decode("12345678", 8, out, sizeof out));   /* no room for the NUL */
    CHECK(http_percent_decode("1234567", 7, out, sizeof out));
}

TEST(connection_close_and_http_1_0)
{
    struct http_request r;
    CHECK_EQ(parse("GET / HTTP/1.1\r\nconnection:  Close \r\n\r\n", &r), 0);
    CHECK(!r.keep_alive);
    CHECK_EQ(parse("GET / HTTP/1.0\r\n\r\n", &r), 0);
    CHECK(!r.keep_alive);
    CHECK_EQ(parse("HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r), 0);
    CHECK(r.keep_alive);
}

TEST(malformed_heads_get_their_status)
{
    struct http_request r;
    CHECK_EQ(parse("GET /\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET hello HTTP/1.1\r\n\r\n", &r), 400);
    CHECK_EQ(parse("POST / HTTP/1.1\r\n\r\n", &r), 501);
    CHECK_EQ(parse("GET / HTTP/2.0\r\n\r\n", &r), 505);
    CHECK_EQ(parse("GET /%4 HTTP/1.1\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1", &r), 400);
    char line[HTTP_PATH_MAX + 64] = "GET /";
    memset(line + 5, 'a', HTTP_PATH_MAX);
    strcpy(line + 5 + HTTP_PATH_MAX, " HTTP/1.1\r\n\r\n");
    CHECK_EQ(parse(line, &r), 414);
}

TEST(random_heads_never_crash)
{
    static const char alphabet[] = "GET /%2a HTTP/1.\r\n:Connection close?";
    char buf[64];
    struct http_request r;
    srand(9);
    for (int round = 0; round < 50000; round++) {
        size_t len = (size_t)rand() % sizeof buf;
        for (size_t i = 0; i < len; i++)
            buf[i] = alphabet[rand() % (sizeof alphabet - 1)];
        char *exact = malloc(len ? len : 1);
        memcpy(exact, buf, len);
        int status = http_parse(exact, len, &r);
        (void)http_head_end(exact, len);
        free(exact);
        CHECK(status == 0 || status == 400 || status == 414 || status == 501 || status == 505);
    }
}

int main(void)
{
    RUN(the_head_ends_at_the_empty_line);
    RUN(a_plain_get);
    RUN(percent_escapes_are_decoded_and_the_query_dropped);
    RUN(connection_close_and_http_1_0);
    RUN(malformed_heads_get_their_status);
    RUN(random_heads_never_crash);
    return host_summary("lab10 http");
}
