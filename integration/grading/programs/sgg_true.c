// The most trivial submission: exits 0 at once.
int main(void) { return 0; }
