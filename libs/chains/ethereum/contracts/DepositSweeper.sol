// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

interface IERC20Balance {
    function balanceOf(address owner) external view returns (uint256);
}

interface ISweepTokens {
    function sweepTokens() external view returns (address[] memory);
}

/// @notice Exists only for the duration of one sweep transaction. Deployed with CREATE2 at a
/// user's deposit address, it moves the configured ERC-20 balances and then all ETH to the Safe
/// named in its init code, and self-destructs in the same transaction (EIP-6780 still deletes a
/// contract created in the same transaction), so the address is again a plain account: later
/// deposits stay 21,000-gas transfers and the next sweep can deploy here again.
/// @dev The Safe is a constructor argument, so it is part of the init code hash and therefore
/// of the address: whoever calls the factory, the funds can only go to that Safe.
contract DepositSweeper {
    /// @dev token = address(0) for ETH. Logs survive the self-destruct: they are how the amounts
    /// swept are read back (ETH moved by SELFDESTRUCT leaves no other trace in the receipt).
    event Swept(address indexed safe, address indexed token, uint256 amount);

    error TokenTransferFailed(address token);

    constructor(address payable safe) payable {
        address[] memory tokens = ISweepTokens(msg.sender).sweepTokens();
        for (uint256 i = 0; i < tokens.length; i++) {
            address token = tokens[i];
            uint256 balance = IERC20Balance(token).balanceOf(address(this));
            if (balance == 0) continue;
            // A token may return false instead of reverting, or return nothing (USDT): accept
            // an empty return or a true, refuse anything else so nothing is left half-swept.
            (bool ok, bytes memory ret) = token.call(abi.encodeWithSelector(0xa9059cbb, safe, balance));
            if (!ok || (ret.length != 0 && !abi.decode(ret, (bool)))) revert TokenTransferFailed(token);
            emit Swept(safe, token, balance);
        }
        if (address(this).balance > 0) emit Swept(safe, address(0), address(this).balance);
        selfdestruct(safe);
    }
}

/// @notice Sweeps deposit addresses into a Safe. Permissionless on purpose: funds can only move to
/// the Safe bound into each address, so the worst a stranger can do is pay for our sweep.
contract DepositSweeperFactory {

    // Transient slot 0 holds the token count, slots 1.. the tokens of the sweep in progress, so
    // the token list is not part of the init code (adding a token must not move any address).
    function sweep(address payable safe, bytes32[] calldata salts, address[] calldata tokens) external {
        assembly {
            tstore(0, tokens.length)
            for { let i := 0 } lt(i, tokens.length) { i := add(i, 1) } {
                tstore(add(i, 1), calldataload(add(tokens.offset, mul(i, 32))))
            }
        }
        for (uint256 i = 0; i < salts.length; i++) {
            new DepositSweeper{salt: salts[i]}(safe);
        }
        assembly {
            tstore(0, 0)
        }
    }

    function sweepTokens() external view returns (address[] memory tokens) {
        uint256 n;
        assembly {
            n := tload(0)
        }
        tokens = new address[](n);
        for (uint256 i = 0; i < n; i++) {
            address t;
            assembly {
                t := tload(add(i, 1))
            }
            tokens[i] = t;
        }
    }

    function depositAddress(address safe, bytes32 salt) external view returns (address) {
        bytes32 initCodeHash = keccak256(abi.encodePacked(type(DepositSweeper).creationCode, abi.encode(safe)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initCodeHash)))));
    }
}
