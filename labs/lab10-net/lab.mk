# Lab 10: the network. The card (e1000ring.c pure, host-tested; e1000.c e1000io.c the
# kernel's), the stack (pure, host-tested: inet.c ether.c arp.c ip.c icmp.c udp.c dhcp*.c tcp*.c
# httpreq.c), and the glue: netif.c (the task that owns the stack, and DHCP's future),
# netsock.c (TCP as futures).
SRCS := e1000ring.c e1000.c e1000io.c inet.c ether.c arp.c ip.c icmp.c udp.c dhcp.c dhcpmsg.c \
        tcpin.c tcprecv.c tcpooo.c tcpout.c tcptimer.c tcpapi.c tcpconn.c netsock.c netif.c httpreq.c

# `make lab10-qemu`: an 82540EM on QEMU's user network, its ports forwarded to
# 127.0.0.1 only (LAB10_HTTP_PORT to the guest's 80, LAB10_ECHO_PORT to its UDP 7),
# every frame written to build/lab10/net.pcap, and lab 7's FAT volume at the primary master.
LAB10_HTTP_PORT ?= 8080
LAB10_ECHO_PORT ?= 8007
LAB10_PCAP := $(BUILD)/lab10/net.pcap
QEMU_ARGS := -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$(LAB10_HTTP_PORT)-:80,hostfwd=udp:127.0.0.1:$(LAB10_ECHO_PORT)-:7 \
             -device e1000,netdev=n0 -object filter-dump,id=f0,netdev=n0,file=$(LAB10_PCAP) \
             -drive if=none,id=d0,file=$(LAB7_DISK),format=raw,snapshot=on \
             -device ide-hd,drive=d0,bus=ide.0,unit=0
BOCHS_ARGS := --disk 0:0:$(LAB7_DISK):Cairn-lab7-FAT16
KERNEL_ARGS :=
lab10-qemu lab10-qemu-nox lab10-gdb lab10-qemu-grub: $(LAB7_DISK) lab10-ports
.PHONY: lab10-ports
lab10-ports:
	@echo "*** lab 10: http://127.0.0.1:$(LAB10_HTTP_PORT)/ (guest port 80), UDP echo on 127.0.0.1:$(LAB10_ECHO_PORT) (guest port 7); frames in $(LAB10_PCAP)" >&2

# `make lab10-trace`: one GET's timeline through lab 6's trace (handouts/lab10.md section 7):
# tools/lab10trace.py boots with trace=MS and sends the request, tools/tracesvg.py draws
# build/lab10/trace.svg from just before the first e1000 interrupt (IRQ 11), 40 ms wide.
.PHONY: lab10-trace
lab10-trace: lab10
	$(PYTHON) tools/lab10trace.py --kernel $(BUILD)/lab10/kernel.elf --log $(BUILD)/lab10/trace.log
	$(PYTHON) tools/tracesvg.py $(BUILD)/lab10/trace.log -o $(BUILD)/lab10/trace.svg \
	    --from irq11 --to +40 --title 'make lab10-trace: one GET of a 1000-byte file'
