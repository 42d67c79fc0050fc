/*
 * test_lab7_name.c - labs/lab7-fat/name.c: the long-name checksum ([FAT]
 * "Checksum Generation"), 8.3 names and their case bits, ~N aliases
 * ("Numeric-Tail Generation"), long entries packed and unpacked, path words;
 * the unpacker and the alias maker fuzzed.
 */
#include <stdio.h>
#include "host.h"
#include "test_lab7_disk.h"

TEST(checksum)
{
    /* python3: s = ((s & 1) << 7) + (s >> 1) + b, mod 256, over the 11 bytes */
    CHECK_EQ(fat_lfn_checksum((const uint8_t *)"README  TXT"), 0x73);
    CHECK_EQ(fat_lfn_checksum((const uint8_t *)"LONGFI~1TXT"), 0xD4);
}

static const char *short_of(const char *name, uint8_t *bits)
{
    static char out[12];
    uint8_t sfn[11];

    if (!fat_short_from_name(name, sfn, bits))
        return "-";
    memcpy(out, sfn, 11);
    out[11] = '\0';
    return out;
}

TEST(short_names_and_case_bits)
{
    uint8_t bits;
    char name[13];

    CHECK_STR(short_of("README.TXT", &bits), "README  TXT");
    CHECK_EQ(bits, 0);
    CHECK_STR(short_of("readme.txt", &bits), "README  TXT");
    CHECK_EQ(bits, FAT_NTRES_LOWER_BASE | FAT_NTRES_LOWER_EXT);
    CHECK_STR(short_of("README.txt", &bits), "README  TXT");
    CHECK_EQ(bits, FAT_NTRES_LOWER_EXT);
    CHECK_STR(short_of("ReadMe.txt", &bits), "-");          /* mixed case: needs a long name */
    CHECK_STR(short_of("a b.txt", &bits), "-");
    CHECK_STR(short_of("toolongname.txt", &bits), "-");
    CHECK_STR(short_of("a.b.c", &bits), "-");
    CHECK_STR(short_of("x.html", &bits), "-");
    CHECK_STR(short_of("NOEXT", &bits), "NOEXT      ");
    fat_short_to_name((const uint8_t *)"README  TXT", FAT_NTRES_LOWER_BASE, name);
    CHECK_STR(name, "readme.TXT");
    fat_short_to_name((const uint8_t *)"\x05" "ABC    TXT", 0, name);
    CHECK(name[0] == (char)0xE5);
}

static const char *alias(const char *name, uint32_t n, bool *lossy)
{
    static char out[12];
    uint8_t basis[11], sfn[11];

    fat_short_basis(name, basis, lossy);
    if (n)
        fat_short_with_tail(basis, n, sfn);
    else
        memcpy(sfn, basis, 11);
    memcpy(out, sfn, 11);
    out[11] = '\0';
    return out;
}

TEST(numeric_tails)
{
    bool lossy;

    CHECK_STR(alias("A long file name.txt", 1, &lossy), "ALONGF~1TXT");
    CHECK(lossy);
    CHECK_STR(alias("A long file name.txt", 12, &lossy), "ALONG~12TXT");
    CHECK_STR(alias("A long file name.txt", 123456, &lossy), "A~123456TXT");
    CHECK_STR(alias("readme.txt", 0, &lossy), "README  TXT");
    CHECK(!lossy);                          /* only the case changes: no tail needed */
    CHECK_STR(alias("ab", 1, &lossy), "AB~1       ");
    CHECK_STR(alias(".profile", 1, &lossy), "PROFIL~1   ");
    CHECK_STR(alias("x+y=z.tar.gz", 1, &lossy), "X_Y_ZT~1GZ ");
    CHECK_STR(alias("name.html", 1, &lossy), "NAME~1  HTM");
}

TEST(long_entries_round_trip)
{
    const char *name = "A long file name that spans three entries.txt";
    char back[FAT_NAME_MAX + 14];
    uint8_t ent[FAT_DIRENT_SIZE];
    int n = fat_lfn_entries(name);

    CHECK_EQ(n, 4);
    memset(back, 'x', sizeof back);
    for (int seq = n; seq >= 1; seq--) {
        fat_lfn_pack(ent, name, seq, seq == n, 0xAB);
        CHECK_EQ(ent[11], FAT_ATTR_LONG_NAME);
        CHECK_EQ(ent[13], 0xAB);
        CHECK_EQ(ent[0], seq | (seq == n ? FAT_LAST_LONG_ENTRY : 0));
        CHECK(fat_lfn_unpack(ent, back));
    }
    CHECK_STR(back, name);
    /* After the terminating NUL the unused characters are 0xFFFF. */
    fat_lfn_pack(ent, "abc", 1, true, 0);
    CHECK_EQ(ent[7], 0);
    CHECK_EQ(ent[9], 0xFF);
    CHECK_EQ(ent[31], 0xFF);
}

TEST(valid_names_and_paths)
{
    const char *p = "//Sub Dir///a b.txt/";
    char word[FAT_NAME_MAX + 1];
    int err;

    CHECK(fat_name_valid("a b.txt"));
    CHECK(!fat_name_valid(""));
    CHECK(!fat_name_valid(".."));
    CHECK(!fat_name_valid("a:b"));
    CHECK(!fat_name_valid("trailing."));
    CHECK(fat_name_equal("Sub Dir", "sUB dIR"));
    CHECK(!fat_name_equal("Sub Dir", "Sub Di"));
    CHECK(fat_path_next(&p, word, &err));
    CHECK_STR(word, "Sub Dir");
    CHECK(fat_path_next(&p, word, &err));
    CHECK_STR(word, "a b.txt");
    CHECK(!fat_path_next(&p, word, &err));
    CHECK_EQ(err, 0);
}

/* Random long entries unpack without overrunning the name; random names make
   aliases of 11 valid bytes. */
TEST(fuzz)
{
    uint32_t x = 99;
    uint8_t ent[FAT_DIRENT_SIZE], basis[11], sfn[11];
    char name[FAT_NAME_MAX + 14], random_name[40];
    bool lossy;

    for (int i = 0; i < 200000; i++) {
        for (int k = 0; k < FAT_DIRENT_SIZE; k++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            ent[k] = (uint8_t)x;
        }
        fat_lfn_unpack(ent, name);
        int len = 1 + (int)(x % 38);
        for (int k = 0; k < len; k++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            random_name[k] = (char)(0x20 + x % 95);
        }
        random_name[len] = '\0';
        fat_short_basis(random_name, basis, &lossy);
        fat_short_with_tail(basis, 1 + x % 999999, sfn);
        for (int k = 0; k < 11; k++)
            CHECK(sfn[k] >= 0x20 && sfn[k] < 0x7F && !(sfn[k] >= 'a' && sfn[k] <= 'z'));
        CHECK(sfn[0] != ' ');
    }
}

int main(void)
{
    RUN(checksum);
    RUN(short_names_and_case_bits);
    RUN(numeric_tails);
    RUN(long_entries_round_trip);
    RUN(valid_names_and_paths);
    RUN(fuzz);
    return host_summary("lab7 name");
}
